/**
 * `POST /sessions/<id>/end` (approver role, CSRF-checked through forms.ts): the end-session form
 * of a live session's page. The reason is checked (core/kill-reason.ts), then the store marks the
 * session (refusing an ended one) and writes `session.kill` with the approver as actor; a second
 * request for the same session changes nothing; the bastion's grant watcher
 * closes the session within a second, showing its user the reason. A refusal is one line.
 */
import { isGatehouseError } from '../core/errors.js';
import { checkKillReason } from '../core/kill-reason.js';
import type { SessionId } from '../core/model.js';
import { reviewerActor } from '../core/reviewer.js';
import type { AuthedRequest } from './context.js';
import { sessionForm } from './forms.js';
import { html, page } from './html.js';
import { redirect, sendHtml, sendText } from './respond.js';

const REFUSALS: ReadonlySet<string> = new Set(['conflict', 'refused', 'invalid']);

function refused(r: AuthedRequest, id: SessionId, status: number, problem: string): void {
  const body = html`<h1>The session was not ended</h1>
    <p id="end-problem" class="error">${problem}</p>
    <p><a href="/sessions/${id}">Back to the session</a></p>`;
  sendHtml(r.req, r.res, status, page({ title: 'Session not ended', reviewer: r.viewer }, body));
}

export async function endSession(r: AuthedRequest, id: SessionId): Promise<void> {
  const form = await sessionForm(r);
  if (form === null) return;
  const { store, clock, logger } = r.deps;
  const reason = checkKillReason('reason', form.get('reason') ?? '');
  if (!reason.ok) return refused(r, id, 400, reason.message);
  try {
    await store.sessions.requestKill(id, clock.now(), reviewerActor(r.reviewer.name), reason.value);
  } catch (e) {
    if (isGatehouseError(e) && e.code === 'not_found')
      return sendText(r.req, r.res, 404, 'not found');
    if (!isGatehouseError(e) || !REFUSALS.has(e.code)) throw e;
    return refused(r, id, 409, e.userMessage);
  }
  logger.info({ reviewer: r.reviewer.name, sessionId: id }, 'session end requested');
  redirect(r.res, `/sessions/${id}`);
}
