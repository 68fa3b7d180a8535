import { auditEvents } from '../core/audit-events.js';
import { formatDuration } from '../core/duration.js';
import { GatehouseError } from '../core/errors.js';
import type { EpochMs, Grant, GrantId, RequestId } from '../core/model.js';
import type { Actor } from '../core/ports.js';
import { formatTimestamp as iso } from '../core/timestamp.js';
import { appendAuditEvent } from './audit-chain.js';
import type { SqlConnection } from './sql-connection.js';
import { requireGrant } from './context.js';
import { ndaById } from './ndas-repository.js';
import { grantFromRow, type GrantRow } from './rows.js';

export interface GrantExtension {
  readonly grantId: GrantId;
  readonly byMs: number;
  readonly reason: string;
  readonly maxDurationMs: number;
  readonly requestId: RequestId | null;
}

const refused = (message: string): GatehouseError => new GatehouseError('refused', message);

/**
 * Moves a live grant's end later inside the caller's transaction (an admin's `grant extend`, or
 * the last approval of an extension request): capped at the NDA's expiry, refused for a revoked
 * or ended grant, a disabled user, an NDA that is no longer valid, and past the maximum window.
 */
export async function extendGrant(
  db: SqlConnection,
  ext: GrantExtension,
  now: EpochMs,
  actor: Actor,
  ts: EpochMs,
): Promise<Grant> {
  const grant = await requireGrant(db, ext.grantId);
  const id = grant.id;
  if (grant.revokedAt !== null) throw refused(`grant: ${id} is revoked`);
  const user = await db.get<{ name: string; disabled: number }>(
    'SELECT name, disabled FROM users WHERE id = ?',
    [grant.userId],
  );
  // As `grant add` (core/grant-rules.ts): a disabled user gets no more time either.
  if (user === undefined || user.disabled === 1)
    throw refused(`user: ${user?.name ?? grant.userId} is disabled`);
  if (grant.endsAt <= now)
    throw refused(`grant: ${id} ended ${iso(grant.endsAt)}; ask for a new one`);
  const nda = await ndaById(db, grant.ndaId);
  if (nda === null || nda.revokedAt !== null)
    throw refused(`nda: NDA ${grant.ndaId} of grant ${id} is revoked`);
  let endsAt = grant.endsAt + ext.byMs;
  if (nda.expiresAt !== null && nda.expiresAt < endsAt) {
    if (nda.expiresAt <= grant.endsAt)
      throw refused(`nda: NDA ${nda.id} expires ${iso(nda.expiresAt)}, when grant ${id} ends`);
    endsAt = nda.expiresAt;
  }
  if (endsAt - grant.startsAt > ext.maxDurationMs) {
    throw refused(
      `window: grant ${id} would run ${iso(grant.startsAt)} to ${iso(endsAt)}, longer than ` +
        `the maximum of ${formatDuration(ext.maxDurationMs)} (grants.maxDuration)`,
    );
  }
  const row = await db.get<GrantRow>('UPDATE grants SET ends_at = ? WHERE id = ? RETURNING *', [
    endsAt,
    id,
  ]);
  if (!row) throw new Error('grants update returned no row');
  await appendAuditEvent(
    db,
    auditEvents.grantExtend({
      grantId: id,
      previousEndsAt: grant.endsAt,
      endsAt,
      reason: ext.reason,
      requestId: ext.requestId,
    }),
    actor,
    ts,
  );
  return grantFromRow(row);
}
