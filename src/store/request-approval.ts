import type { AccessRequest } from '../core/access-request.js';
import { auditEvents } from '../core/audit-events.js';
import { GatehouseError } from '../core/errors.js';
import type { EpochMs, RequestId } from '../core/model.js';
import type { Actor, ApprovalInput, RequestJudge } from '../core/ports.js';
import { formatTimestamp as iso } from '../core/timestamp.js';
import { appendAuditEvent } from './audit-chain.js';
import type { SqlConnection } from './sql-connection.js';
import { completeRequest } from './request-completion.js';
import { loadRequest } from './request-rows.js';

const refused = (message: string): GatehouseError => new GatehouseError('refused', message);

/** Refused unless the request can still be decided at `now`. */
export function requirePending(request: AccessRequest, now: EpochMs): void {
  if (request.status !== 'pending')
    throw refused(`request: ${request.id} is already ${request.status}`);
  if (now >= request.expiresAt)
    throw refused(`request: ${request.id} expired ${iso(request.expiresAt)} undecided`);
}

export function judged(request: AccessRequest, judge: RequestJudge) {
  const verdict = judge(request);
  if (!verdict.ok) throw refused(verdict.message);
  return verdict;
}

/** One approval inside the caller's transaction; the last one needed completes the request. */
export async function approveRequest(
  db: SqlConnection,
  id: RequestId,
  input: ApprovalInput,
  judge: RequestJudge,
  now: EpochMs,
  actor: Actor,
  ts: EpochMs,
): Promise<void> {
  const request = await loadRequest(db, id);
  requirePending(request, now);
  const verdict = judged(request, judge);
  if (request.approvals.some((a) => a.approver === input.approver))
    throw refused(`request: ${input.approver} has already approved request ${id}`);
  if (input.durationMs !== null && input.durationMs > request.durationMs)
    throw refused(`request: the approved window must not be longer than the one requested`);
  await db.run(
    `INSERT INTO request_approvals (request_id, approver, actor, note, for_ms, confirmations, at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
    [
      id,
      input.approver,
      actor,
      input.note,
      input.durationMs,
      JSON.stringify(input.confirmations),
      now,
    ],
  );
  const counts = verdict.counts ?? (() => true);
  const approvals = request.approvals.filter((a) => counts(a.approver)).length + 1;
  await appendAuditEvent(
    db,
    auditEvents.requestApproved({
      requestId: id,
      approver: input.approver,
      note: input.note,
      durationMs: input.durationMs,
      confirmations: input.confirmations,
      approvals,
      approvalsRequired: verdict.approvalsRequired,
    }),
    actor,
    ts,
  );
  if (approvals < verdict.approvalsRequired) return;
  // The grant carries what counted: its approvers, their windows and checklist confirmations.
  const approved = await loadRequest(db, id);
  await completeRequest(
    db,
    { ...approved, approvals: approved.approvals.filter((a) => counts(a.approver)) },
    {
      ruleMaxMs: verdict.ruleMaxMs,
      maxDurationMs: verdict.maxDurationMs,
      now,
      actor,
      ts: ts,
    },
    input,
  );
}
