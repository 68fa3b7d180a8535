/**
 * The one place the store announces a change that can end live sessions (core/change-signals.ts):
 * called by the write methods that revoke a grant or an NDA, disable a user or remove a key, and
 * request a session's kill, inside their transaction.
 *
 * SQLite: the process's own subscribers hear it (its reads queue behind this transaction, so a
 * re-check it starts sees the change); other processes find it at their periodic re-check.
 * PostgreSQL: `pg_notify` on the transaction's connection, so it is sent at commit and never for
 * a rolled-back change; every node, this one included, hears it on its LISTEN connection
 * (pg-change-feed.ts) after the commit, when a re-check sees the change.
 */
import type { Change, ChangeBus } from '../core/change-signals.js';
import type { SqlConnection } from './sql-connection.js';

/** The channel every node LISTENs on. */
export const CHANGE_CHANNEL = 'gatehouse_change';

export async function announceChange(
  changes: ChangeBus,
  db: SqlConnection,
  change: Change,
): Promise<void> {
  if (db.dialect.engine === 'postgres') {
    await db.get('SELECT pg_notify(?, ?)', [CHANGE_CHANNEL, JSON.stringify(change)]);
    return;
  }
  changes.publish(change);
}
