import type { ChainPoint } from '../core/audit-checkpoint.js';
import type { AuditEvent } from '../core/audit-events.js';
import { isTransferEvent } from '../core/transfer-entries.js';
import type { AuditRecord, EpochMs, RequestId } from '../core/model.js';
import type { Actor, AuditRepository, AuditVerification } from '../core/ports.js';
import { appendAuditEvent, CHAIN_START, checkChain, type ChainCursor } from './audit-chain.js';
import type { StoreContext } from './context.js';
import type { SqlValue } from './sql-connection.js';
import { auditFromRow, type AuditRow } from './rows.js';
import { recordTransfer } from './session-transfers.js';
import { whereSql } from './sql-where.js';

const VERIFY_BATCH = 1000;
const POINTS_BATCH = 1000;

export class SqliteAuditRepository implements AuditRepository {
  constructor(private readonly ctx: StoreContext) {}

  append(event: AuditEvent, actor: Actor): Promise<AuditRecord> {
    return this.ctx.tx.write(async (db) => {
      const record = await appendAuditEvent(db, event, actor, this.ctx.clock.now());
      // The review list's flag count moves with the event, in its transaction (migration 13).
      if (event.type === 'session.flagged')
        await db.run('UPDATE sessions SET flag_count = flag_count + 1 WHERE id = ?', [
          event.payload.sessionId,
        ]);
      // A transfer session's log, likewise (migration 17).
      if (isTransferEvent(event)) await recordTransfer(db, event, record);
      return record;
    });
  }

  /** Oldest first; with `limit`, the newest `limit` matching events (still oldest first). */
  list(
    filter: {
      readonly since?: EpochMs;
      readonly type?: string;
      readonly requestId?: RequestId;
      readonly limit?: number;
    } = {},
  ): Promise<AuditRecord[]> {
    const where: string[] = [];
    const params: SqlValue[] = [];
    if (filter.since !== undefined) {
      where.push('ts >= ?');
      params.push(filter.since);
    }
    if (filter.type !== undefined) {
      where.push('type = ?');
      params.push(filter.type);
    }
    const byRequest = filter.requestId !== undefined;
    if (filter.requestId !== undefined) params.push(filter.requestId);
    const limit =
      filter.limit === undefined ? Number.MAX_SAFE_INTEGER : Math.max(0, Math.floor(filter.limit));
    params.push(limit);
    return this.ctx.tx.read(async (db) => {
      // The read may be retried: the conditions are built anew each time.
      const conditions = byRequest
        ? [...where, `${db.dialect.jsonField('payload', 'requestId')} = ?`]
        : where;
      const sql = `SELECT * FROM (SELECT * FROM audit_events ${whereSql(conditions)}
        ORDER BY seq DESC LIMIT ?) AS newest ORDER BY seq`;
      return (await db.all<AuditRow>(sql, params)).map(auditFromRow);
    });
  }

  page(
    afterSeq: number,
    limit: number,
    filter: { readonly since?: EpochMs; readonly until?: EpochMs } = {},
  ): Promise<AuditRecord[]> {
    const where = ['seq > ?'];
    const params: SqlValue[] = [Math.floor(afterSeq)];
    if (filter.since !== undefined) {
      where.push('ts >= ?');
      params.push(filter.since);
    }
    if (filter.until !== undefined) {
      where.push('ts < ?');
      params.push(filter.until);
    }
    params.push(Math.max(0, Math.floor(limit)));
    const sql = `SELECT * FROM audit_events WHERE ${where.join(' AND ')} ORDER BY seq LIMIT ?`;
    return this.ctx.tx.read(async (db) => (await db.all<AuditRow>(sql, params)).map(auditFromRow));
  }

  head(): Promise<ChainPoint | null> {
    return this.ctx.tx.read(
      async (db) =>
        (await db.get<ChainPoint>(
          'SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1',
        )) ?? null,
    );
  }

  async points(seqs: readonly number[]): Promise<ChainPoint[]> {
    const wanted = [...new Set(seqs.filter((s) => Number.isSafeInteger(s)))];
    const found: ChainPoint[] = [];
    // One statement text whatever the count (the statement cache stays small), in slices.
    for (let i = 0; i < wanted.length; i += POINTS_BATCH) {
      const slice = JSON.stringify(wanted.slice(i, i + POINTS_BATCH));
      const rows = await this.ctx.tx.read((db) =>
        db.all<ChainPoint>(
          `SELECT seq, hash FROM audit_events WHERE ${db.dialect.inJsonList('seq', 'integer')}`,
          [slice],
        ),
      );
      found.push(...rows);
    }
    return found;
  }

  /** Walks the whole chain in batches; events appended meanwhile are checked too. */
  async verify(): Promise<AuditVerification> {
    let cursor: ChainCursor = CHAIN_START;
    for (;;) {
      const from = cursor.lastSeq;
      const rows = await this.ctx.tx.read((db) =>
        db.all<AuditRow>('SELECT * FROM audit_events WHERE seq > ? ORDER BY seq LIMIT ?', [
          from,
          VERIFY_BATCH,
        ]),
      );
      if (rows.length === 0) return { ok: true, count: cursor.count };
      const check = checkChain(cursor, rows);
      if (!check.ok) return check;
      cursor = check;
    }
  }
}
