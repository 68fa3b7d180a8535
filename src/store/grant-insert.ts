import { auditEvents } from '../core/audit-events.js';
import { GatehouseError } from '../core/errors.js';
import { checkGrantRules } from '../core/grant-rules.js';
import type { EpochMs, Grant, RequestId } from '../core/model.js';
import { NO_TRANSFER, transferRightsProblem } from '../core/transfer-rights.js';
import type { Actor, NewGrant } from '../core/ports.js';
import { appendAuditEvent } from './audit-chain.js';
import { requireTarget, requireUser } from './context.js';
import type { SqlConnection } from './sql-connection.js';
import { ndaById } from './ndas-repository.js';
import { grantFromRow, transferColumnValues, type GrantRow } from './rows.js';

export interface GrantInsertOptions {
  readonly maxDurationMs: number;
  /** The time the rules are checked against. */
  readonly now: EpochMs;
  readonly actor: Actor;
  /** The audit event's time. */
  readonly ts: EpochMs;
  /** The approved request the grant comes from, and its approvers. */
  readonly fromRequest?: { readonly requestId: RequestId; readonly approvers: readonly string[] };
}

/**
 * The one way a grant is made, inside the caller's write transaction: an admin's `grant add` and
 * an approved request alike. Validates the grant rules (DESIGN.md §2, core/grant-rules.ts) in the
 * transaction, so a concurrent NDA revocation cannot slip between check and insert; among them
 * the target's checklist: `grant.confirmations` must confirm each item it requires now.
 */
export async function insertGrant(
  db: SqlConnection,
  grant: NewGrant,
  options: GrantInsertOptions,
): Promise<Grant> {
  const user = await requireUser(db, grant.userName);
  const target = await requireTarget(db, grant.targetName);
  const nda = await ndaById(db, grant.ndaId);
  const confirmations = (grant.confirmations ?? []).map(({ item, note, by }) => ({
    item,
    note,
    by,
  }));
  const verdict = checkGrantRules({
    user,
    target,
    nda,
    startsAt: grant.startsAt,
    endsAt: grant.endsAt,
    mode: grant.mode,
    allowlist: grant.allowlist,
    maxDurationMs: options.maxDurationMs,
    now: options.now,
    confirmations,
  });
  if (!verdict.ok) {
    const message = verdict.message.startsWith(verdict.field)
      ? verdict.message
      : `${verdict.field}: ${verdict.message}`;
    throw new GatehouseError('refused', message);
  }
  if (!nda) throw new GatehouseError('not_found', `nda: no NDA with id ${grant.ndaId}`);
  const transfer = grant.transfer ?? NO_TRANSFER;
  const transferProblem = transferRightsProblem(transfer);
  if (transferProblem !== null) throw new GatehouseError('refused', `transfer: ${transferProblem}`);
  const allowlist = grant.mode === 'shell' ? [] : [...grant.allowlist];
  const from = options.fromRequest;
  const row = await db.get<GrantRow>(
    `INSERT INTO grants (user_id, target_id, nda_id, starts_at, ends_at, mode, allowlist,
                         reason, created_by, created_at, request_id, confirmations,
                         transfer_direction, transfer_paths, transfer_budget)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
    [
      user.id,
      target.id,
      nda.id,
      grant.startsAt,
      grant.endsAt,
      grant.mode,
      JSON.stringify(allowlist),
      grant.reason,
      options.actor,
      options.now,
      from?.requestId ?? null,
      JSON.stringify(confirmations),
      ...transferColumnValues(transfer),
    ],
  );
  if (!row) throw new Error('grants insert returned no row');
  const created = grantFromRow(row);
  await appendAuditEvent(
    db,
    auditEvents.grantCreate({
      grantId: created.id,
      user: user.name,
      target: target.name,
      ndaId: nda.id,
      startsAt: created.startsAt,
      endsAt: created.endsAt,
      mode: created.mode,
      allowlist,
      reason: created.reason,
      confirmations,
      transfer: { ...created.transfer },
      ...(from === undefined ? {} : { requestId: from.requestId, approvers: from.approvers }),
    }),
    options.actor,
    options.ts,
  );
  return created;
}
