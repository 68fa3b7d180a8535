/**
 * A transfer session's log (migration 17, core/transfer-entries.ts): the row each transfer event
 * makes, written by the audit append in the event's transaction, and the session's entries read
 * back by seq on the session's index.
 */
import type { AuditRecord, SessionId } from '../core/model.js';
import type { TransferChangeOp, TransferFileDirection } from '../core/transfer-payloads.js';
import {
  MAX_TRANSFER_PAGE,
  transferEntryOf,
  type TransferEvent,
  type TransferLogEntry,
  type TransferLogRepository,
} from '../core/transfer-entries.js';
import type { StoreContext } from './context.js';
import type { SqlConnection } from './sql-connection.js';

interface TransferRow {
  seq: number;
  ts: number;
  kind: TransferLogEntry['kind'];
  op: string;
  path: string | null;
  to_path: string | null;
  bytes: number | null;
  sha256: string | null;
  why: string | null;
}

/** The CHECK constraints guarantee the columns each kind needs. */
function entryFromRow(r: TransferRow): TransferLogEntry {
  const { seq, ts } = r;
  switch (r.kind) {
    case 'file':
      return {
        seq,
        ts,
        kind: 'file',
        direction: r.op as TransferFileDirection,
        path: r.path ?? '',
        bytes: r.bytes ?? 0,
        sha256: r.sha256,
      };
    case 'change':
      return {
        seq,
        ts,
        kind: 'change',
        op: r.op as TransferChangeOp,
        path: r.path ?? '',
        to: r.to_path,
      };
    case 'denied':
      return { seq, ts, kind: 'denied', op: r.op, path: r.path, why: r.why ?? '' };
  }
}

type Columns = [string, string | null, string | null, number | null, string | null, string | null];

/** op, path, to_path, bytes, sha256, why. */
function columnsOf(e: TransferLogEntry): Columns {
  switch (e.kind) {
    case 'file':
      return [e.direction, e.path, null, e.bytes, e.sha256, null];
    case 'change':
      return [e.op, e.path, e.to, null, null, null];
    case 'denied':
      return [e.op, e.path, null, null, null, e.why];
  }
}

/**
 * The log row of a transfer event just appended as `record`, and the session's totals for a
 * file; run in the append's transaction. An event naming no session (row) adds nothing.
 */
export async function recordTransfer(
  db: SqlConnection,
  event: TransferEvent,
  record: AuditRecord,
): Promise<void> {
  const entry = transferEntryOf(event, record.seq, record.ts);
  // A refused sftp subsystem is a transfer.denied of no session: nothing to log it under.
  const sessionId: string | null = event.payload.sessionId ?? null;
  if (sessionId === null) return;
  const inserted = await db.run(
    `INSERT INTO session_transfers (seq, session_id, ts, kind, op, path, to_path, bytes, sha256, why)
     SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM sessions WHERE id = ?)`,
    [entry.seq, sessionId, entry.ts, entry.kind, ...columnsOf(entry), sessionId],
  );
  if (inserted.changes === 1 && entry.kind === 'file')
    await db.run(
      `UPDATE sessions SET transfer_files = transfer_files + 1,
         transfer_bytes = transfer_bytes + ? WHERE id = ?`,
      [entry.bytes, sessionId],
    );
}

export class SqliteTransferLogRepository implements TransferLogRepository {
  constructor(private readonly ctx: StoreContext) {}

  list(
    sessionId: SessionId,
    options: { afterSeq?: number; limit: number },
  ): Promise<TransferLogEntry[]> {
    const limit = Math.min(MAX_TRANSFER_PAGE, Math.max(0, Math.floor(options.limit)));
    return this.ctx.tx.read(async (db) =>
      (
        await db.all<TransferRow>(
          `SELECT seq, ts, kind, op, path, to_path, bytes, sha256, why FROM session_transfers
           WHERE session_id = ? AND seq > ? ORDER BY seq LIMIT ?`,
          [sessionId, Math.floor(options.afterSeq ?? 0), limit],
        )
      ).map(entryFromRow),
    );
  }

  count(sessionId: SessionId): Promise<number> {
    return this.ctx.tx.read(
      async (db) =>
        (
          await db.get<{ n: number }>(
            'SELECT COUNT(*) AS n FROM session_transfers WHERE session_id = ?',
            [sessionId],
          )
        )?.n ?? 0,
    );
  }
}
