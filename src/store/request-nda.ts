import { GatehouseError } from '../core/errors.js';
import type { EpochMs, Nda, NdaId, UserId } from '../core/model.js';
import { formatTimestamp as iso } from '../core/timestamp.js';
import type { SqlConnection } from './sql-connection.js';
import { ndaById } from './ndas-repository.js';

/** The NDA a request is filed under: the requester's own, signed, not revoked, not expired. */
export async function requireValidNda(
  db: SqlConnection,
  id: NdaId,
  userId: UserId,
  now: EpochMs,
): Promise<Nda> {
  const nda = await ndaById(db, id);
  if (nda === null || nda.userId !== userId)
    throw new GatehouseError('not_found', `nda: you have no NDA ${id}`);
  if (nda.revokedAt !== null) throw new GatehouseError('refused', `nda: NDA ${id} is revoked`);
  if (nda.signedAt > now)
    throw new GatehouseError('refused', `nda: NDA ${id} is signed ${iso(nda.signedAt)}`);
  if (nda.expiresAt !== null && nda.expiresAt <= now)
    throw new GatehouseError('refused', `nda: NDA ${id} expired ${iso(nda.expiresAt)}`);
  return nda;
}
