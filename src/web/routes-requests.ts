/**
 * The approver's pages: the request list, a request, and its approve and deny posts. A decision
 * is judged by the rules as they are now (core/request-decision.ts approverJudge) inside the
 * store's transaction, as the account's name (actor `reviewer:<name>`); the store writes its
 * audit events. A refusal is shown as one line on the request's page and changes nothing. Views
 * write no audit event (they show nothing a session recorded).
 */
import { statusAt, type AccessRequest } from '../core/access-request.js';
import { checkApproval, checkDenial, type Checked } from '../core/decision-input.js';
import { isGatehouseError } from '../core/errors.js';
import type { EpochMs, RequestId, Target } from '../core/model.js';
import type { RequestJudge } from '../core/ports.js';
import { approverJudge } from '../core/request-decision.js';
import { requestPageUrl } from '../core/review-links.js';
import { reviewerActor } from '../core/reviewer.js';
import type { AuthedRequest } from './context.js';
import { sessionForm } from './forms.js';
import { requestListPage } from './pages/request-list.js';
import { requestPage } from './pages/request-page.js';
import { redirect, sendHtml, sendText } from './respond.js';

const PENDING_SHOWN = 200;
const RECENT_SHOWN = 100;
/** A request's history has a handful of events. */
const HISTORY_SHOWN = 1000;

/** The target's checklist items: each approval may confirm them; the store checks they all are. */
const checklistOf = (target: Target | null): readonly string[] => target?.requires ?? [];

export async function listRequests(r: AuthedRequest): Promise<void> {
  const now = r.deps.clock.now();
  const [pendingRows, recent] = await Promise.all([
    r.deps.store.requests.list({ status: 'pending', limit: PENDING_SHOWN }),
    r.deps.store.requests.list({ limit: RECENT_SHOWN }),
  ]);
  // Oldest deadline first: the request that will lapse soonest is on top.
  const pending = pendingRows
    .filter((x) => statusAt(x, now) === 'pending')
    .sort((a, b) => a.expiresAt - b.expiresAt);
  const decided = recent.filter((x) => statusAt(x, now) !== 'pending');
  sendHtml(r.req, r.res, 200, requestListPage(r.viewer, pending, decided, now));
}

async function sendRequestPage(
  r: AuthedRequest,
  request: AccessRequest,
  status: number,
  refusal: string | null,
): Promise<void> {
  const { store, publicOrigin } = r.deps;
  const [events, target] = await Promise.all([
    store.audit.list({ requestId: request.id, since: request.createdAt, limit: HISTORY_SHOWN }),
    store.targets.get(request.targetId),
  ]);
  const view = {
    request,
    events,
    checklist: checklistOf(target),
    permalink: requestPageUrl(publicOrigin, request.id),
    refusal,
  };
  sendHtml(r.req, r.res, status, requestPage(r.viewer, view, r.deps.clock.now()));
}

export async function showRequest(r: AuthedRequest, id: RequestId): Promise<void> {
  const request = await r.deps.store.requests.get(id);
  if (request === null) return sendText(r.req, r.res, 404, 'not found');
  await sendRequestPage(r, request, 200, null);
}

export type Decision = 'approve' | 'deny';

/** `confirm[<item>]` fields: item → what was typed (the first of each). */
function confirmationsOf(form: URLSearchParams): Record<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of form) {
    const m = /^confirm\[(.+)\]$/s.exec(key);
    if (m?.[1] !== undefined && !out.has(m[1])) out.set(m[1], value);
  }
  return Object.fromEntries(out);
}

type Act = (judge: RequestJudge, now: EpochMs, actor: string) => Promise<AccessRequest>;

/** The posted form as a store call, or why it is refused before the store is asked. */
async function actionOf(
  r: AuthedRequest,
  form: URLSearchParams,
  request: AccessRequest,
  decision: Decision,
): Promise<Checked<Act>> {
  const { requests, targets } = r.deps.store;
  const approver = r.reviewer.name;
  if (decision === 'deny') {
    const reason = checkDenial(form.get('reason') ?? '');
    if (!reason.ok) return reason;
    return {
      ok: true,
      value: (judge, now, actor) =>
        requests.deny(request.id, approver, reason.value, judge, now, actor),
    };
  }
  const approval = checkApproval(
    {
      note: form.get('note') ?? '',
      for: form.get('for') ?? '',
      confirmations: confirmationsOf(form),
    },
    approver,
    checklistOf(await targets.get(request.targetId)),
  );
  if (!approval.ok) return approval;
  return {
    ok: true,
    value: (judge, now, actor) => requests.approve(request.id, approval.value, judge, now, actor),
  };
}

const REFUSALS: ReadonlySet<string> = new Set(['refused', 'not_found', 'conflict', 'invalid']);

/** POST /requests/<id>/approve|deny: done → back to the request's page; refused → its line there. */
export async function decideRequest(
  r: AuthedRequest,
  id: RequestId,
  decision: Decision,
): Promise<void> {
  const form = await sessionForm(r);
  if (form === null) return;
  const { store, clock, logger } = r.deps;
  const request = await store.requests.get(id);
  if (request === null) return sendText(r.req, r.res, 404, 'not found');
  const act = await actionOf(r, form, request, decision);
  if (!act.ok) return sendRequestPage(r, request, 400, act.message);
  const approver = r.reviewer.name;
  const { policy, maxGrantMs } = r.deps.requestRules();
  const log = { reviewer: approver, requestId: id, decision };
  try {
    await act.value(
      approverJudge(policy, approver, maxGrantMs),
      clock.now(),
      reviewerActor(approver),
    );
  } catch (e) {
    if (!isGatehouseError(e) || !REFUSALS.has(e.code)) throw e;
    logger.info({ ...log, problem: e.userMessage }, 'request decision refused');
    return sendRequestPage(r, (await store.requests.get(id)) ?? request, 409, e.userMessage);
  }
  logger.info(log, 'request decided');
  redirect(r.res, `/requests/${id}`);
}
