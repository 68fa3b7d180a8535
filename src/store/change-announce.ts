/**
 * The one place the store announces a change that can end live sessions (core/change-signals.ts):
 * called by the write methods that revoke a grant or an NDA, disable a user or remove a key, and
 * request a session's kill, inside their transaction.
 *
 * SQLite: the process's own subscribers hear it (its reads queue behind this transaction, so a
 * re-check it starts sees the change); other processes find it at their periodic re-check.
 * PostgreSQL: this is where `SELECT pg_notify('gatehouse_change', <the change as JSON>)` goes, on
 * the transaction's connection, so it is sent at commit and never for a rolled-back change; each
 * node LISTENs and hands what arrives to its `ChangeSignals`.
 */
import type { Change, ChangeBus } from '../core/change-signals.js';
import type { Database } from './database.js';

export function announceChange(changes: ChangeBus, _db: Database, change: Change): void {
  changes.publish(change);
}
