/**
 * Scope sign-off in the store (issue 14): the scope of a grant as the user is shown it, its hash,
 * and the acknowledgement written with nda.acknowledge, typed or carried over from an earlier
 * grant under the same NDA with the same scope hash. Runs inside the caller's transaction.
 */
import { createHash } from 'node:crypto';
import { auditEvents } from '../core/audit-events.js';
import type { EpochMs, Grant, GrantId } from '../core/model.js';
import type { Actor } from '../core/ports.js';
import { ndaIdentity, scopeHashInput, type SignoffScope } from '../core/scope-signoff.js';
import { appendAuditEvent } from './audit-chain.js';
import type { SqlConnection } from './sql-connection.js';
import { ndaById } from './ndas-repository.js';
import { targetById } from './context.js';
import { grantFromRow, type GrantRow } from './rows.js';

export const scopeSha256 = (scope: SignoffScope): string =>
  createHash('sha256').update(scopeHashInput(scope)).digest('hex');

/** A request's approvers in approval order; for an admin's grant, the admin who made it. */
async function approversOf(db: SqlConnection, grant: Grant): Promise<string[]> {
  if (grant.requestId === null) return [grant.createdBy];
  const rows = await db.all<{ approver: string }>(
    'SELECT approver FROM request_approvals WHERE request_id = ? ORDER BY at, approver',
    [grant.requestId],
  );
  return rows.map((r) => r.approver);
}

export async function signoffScopeOf(db: SqlConnection, grant: Grant): Promise<SignoffScope> {
  const nda = await ndaById(db, grant.ndaId);
  const target = await targetById(db, grant.targetId);
  if (nda === null || target === null)
    throw new Error(`grant ${grant.id}: its NDA or target is gone`);
  return {
    grantId: grant.id,
    nda: ndaIdentity(nda),
    target: { id: target.id, name: target.name },
    mode: grant.mode,
    allowlist: grant.allowlist,
    transfer: grant.transfer,
    startsAt: grant.startsAt,
    endsAt: grant.endsAt,
    reason: grant.reason,
    approvers: await approversOf(db, grant),
    fromRequest: grant.requestId !== null,
  };
}

/**
 * The grant where `I agree` was typed for the same NDA and scope, if any other grant under that
 * NDA was acknowledged with this scope hash (grants from before issue 14 have none: asked again).
 */
export async function earlierAgreement(
  db: SqlConnection,
  grant: Grant,
  sha256: string,
): Promise<GrantId | null> {
  const row = await db.get<{ id: number; nda_carried_from: number | null }>(
    `SELECT id, nda_carried_from FROM grants
     WHERE nda_id = ? AND nda_scope_sha256 = ? AND id <> ? AND nda_acknowledged_at IS NOT NULL
     ORDER BY nda_acknowledged_at, id LIMIT 1`,
    [grant.ndaId, sha256, grant.id],
  );
  if (!row) return null;
  return (row.nda_carried_from ?? row.id) as GrantId;
}

export interface Agreement {
  readonly scope: SignoffScope;
  readonly sha256: string;
  /** null: typed for this grant. */
  readonly carriedFrom: GrantId | null;
}

/** Marks the grant acknowledged with its scope hash, with its nda.acknowledge event. */
export async function recordAgreement(
  db: SqlConnection,
  grant: Grant,
  agreement: Agreement,
  at: { readonly now: EpochMs; readonly ts: EpochMs; readonly actor: Actor },
): Promise<Grant> {
  const { scope, sha256, carriedFrom } = agreement;
  const row = await db.get<GrantRow>(
    `UPDATE grants SET nda_acknowledged_at = ?, nda_scope_sha256 = ?, nda_carried_from = ?
     WHERE id = ? RETURNING *`,
    [at.now, sha256, carriedFrom, grant.id],
  );
  if (!row) throw new Error('grants update returned no row');
  await appendAuditEvent(
    db,
    auditEvents.ndaAcknowledge({
      grantId: grant.id,
      ndaId: grant.ndaId,
      userId: grant.userId,
      scopeSha256: sha256,
      startsAt: scope.startsAt,
      endsAt: scope.endsAt,
      approvers: [...scope.approvers],
      carriedFrom,
    }),
    at.actor,
    at.ts,
  );
  return grantFromRow(row);
}
