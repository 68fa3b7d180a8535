import { allowlistOf, grantModeOf, type AccessRequest } from '../core/access-request.js';
import { confirmationsOfApprovals } from '../core/checklist.js';
import type { EpochMs } from '../core/model.js';
import type { Actor, ApprovalInput } from '../core/ports.js';
import type { SqlConnection } from './sql-connection.js';
import { extendGrant } from './grant-extend.js';
import { insertGrant } from './grant-insert.js';
import { ndaById } from './ndas-repository.js';

export interface Completion {
  readonly ruleMaxMs: number;
  readonly maxDurationMs: number;
  readonly now: EpochMs;
  readonly actor: Actor;
  readonly ts: EpochMs;
}

/**
 * The approval that completes a request makes its grant, starting now, for the shortest of the
 * window asked for, any approver's and the rule's maximum now, capped at the NDA's expiry (or extends the grant by it), then marks
 * the request approved, all in the caller's transaction: if the grant rules refuse, the
 * approval is undone with it.
 */
export async function completeRequest(
  db: SqlConnection,
  request: AccessRequest,
  completion: Completion,
  last: ApprovalInput,
): Promise<void> {
  const { now, actor, ts, maxDurationMs } = completion;
  const windows = request.approvals.flatMap((a) => (a.durationMs === null ? [] : [a.durationMs]));
  const durationMs = Math.min(request.durationMs, completion.ruleMaxMs, ...windows);
  const approvers = request.approvals.map((a) => a.approver);
  let grantId = request.grantId;
  if (request.kind === 'extend') {
    if (grantId === null) throw new Error('an extension request names its grant');
    await extendGrant(
      db,
      { grantId, byMs: durationMs, reason: request.reason, maxDurationMs, requestId: request.id },
      now,
      actor,
      ts,
    );
  } else {
    const nda = await ndaById(db, request.ndaId);
    const expiry = nda?.expiresAt ?? null;
    const endsAt = expiry === null ? now + durationMs : Math.min(now + durationMs, expiry);
    const grant = await insertGrant(
      db,
      {
        userName: request.userName,
        targetName: request.targetName,
        ndaId: request.ndaId,
        startsAt: now,
        endsAt,
        mode: grantModeOf(request.mode),
        allowlist: allowlistOf(request.mode),
        reason: request.reason,
        confirmations: confirmationsOfApprovals(request.approvals),
        transfer: request.transfer,
      },
      { maxDurationMs, now, actor, ts, fromRequest: { requestId: request.id, approvers } },
    );
    grantId = grant.id;
  }
  await db.run(
    `UPDATE requests SET status = 'approved', decided_at = ?, decided_by = ?, decision_note = ?,
       grant_id = ? WHERE id = ?`,
    [now, last.approver, last.note, grantId, request.id],
  );
}
