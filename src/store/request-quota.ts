import { GatehouseError } from '../core/errors.js';
import type { EpochMs, UserId } from '../core/model.js';
import type { SqlConnection } from './sql-connection.js';

/** Undecided requests one user may have at once. */
export const MAX_PENDING_REQUESTS = 10;
/** Requests one user may file in an hour, whatever became of them (cancelled, auto-approved). */
export const MAX_REQUESTS_PER_HOUR = 30;
const HOUR = 3_600_000;

/**
 * Refused when the user already has MAX_PENDING_REQUESTS undecided, or filed
 * MAX_REQUESTS_PER_HOUR in the last hour: each request is rows, audit events, webhook messages
 * and a line on every approver's page, so an authenticated user cannot grow them without bound
 * (nor loop file-and-cancel, or an auto-approving rule). Checked in the filing's transaction.
 */
export async function requireFilingQuota(
  db: SqlConnection,
  userId: UserId,
  now: EpochMs,
): Promise<void> {
  const row = await db.get<{ pending: number | null; recent: number | null }>(
    `SELECT SUM(CASE WHEN status = 'pending' AND expires_at > ? THEN 1 ELSE 0 END) AS pending,
       SUM(CASE WHEN created_at > ? THEN 1 ELSE 0 END) AS recent
       FROM requests WHERE user_id = ? AND (status = 'pending' OR created_at > ?)`,
    [now, now - HOUR, userId, now - HOUR],
  );
  if ((row?.pending ?? 0) >= MAX_PENDING_REQUESTS)
    throw new GatehouseError(
      'refused',
      `request: you have ${MAX_PENDING_REQUESTS} requests pending, the most allowed; ` +
        'cancel one or wait for a decision',
    );
  if ((row?.recent ?? 0) >= MAX_REQUESTS_PER_HOUR)
    throw new GatehouseError(
      'refused',
      `request: you filed ${MAX_REQUESTS_PER_HOUR} requests in the last hour, the most allowed; ` +
        'try again later',
    );
}
