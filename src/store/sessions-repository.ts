import { auditEvents, type AuditEventOf } from '../core/audit-events.js';
import { GatehouseError, isGatehouseError } from '../core/errors.js';
import type { EpochMs, Session, SessionId } from '../core/model.js';
import { quoteForMessage } from '../core/names.js';
import { listedCommand } from '../core/session-summary.js';
import type {
  Actor,
  KillRequest,
  NewSession,
  SessionEnd,
  SessionFilter,
  SessionRepository,
} from '../core/ports.js';
import { appendAuditEvent } from './audit-chain.js';
import { announceChange } from './change-announce.js';
import type { StoreContext } from './context.js';
import type { SqlConnection, SqlValue } from './sql-connection.js';
import { asSessionId, sessionFromRow, type SessionRow } from './rows.js';
import { sqliteCode } from './sqlite-errors.js';
import { whereSql } from './sql-where.js';
import { writerNodeOf } from './writer-node.js';

async function requireLiveSession(db: SqlConnection, id: SessionId): Promise<Session> {
  const row = await db.get<SessionRow>('SELECT * FROM sessions WHERE id = ?', [id]);
  if (!row) throw new GatehouseError('not_found', `session: no session ${quoteForMessage(id)}`);
  if (row.ended_at !== null)
    throw new GatehouseError('refused', `session: ${id} has already ended`);
  return sessionFromRow(row);
}

export class SqliteSessionRepository implements SessionRepository {
  constructor(private readonly ctx: StoreContext) {}

  async start(
    session: NewSession,
    event: AuditEventOf<'session.start'>,
    actor: Actor,
  ): Promise<Session> {
    try {
      return await this.ctx.tx.write(async (db) => {
        const row = await db.get<SessionRow>(
          `INSERT INTO sessions (id, grant_id, user_id, target_id, started_at, recording_path,
             kind, command, node)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
          [
            session.id,
            session.grantId,
            session.userId,
            session.targetId,
            session.startedAt,
            session.recordingPath,
            session.kind ?? null,
            listedCommand(session.command ?? null),
            writerNodeOf(db),
          ],
        );
        if (!row) throw new Error('sessions insert returned no row');
        await appendAuditEvent(db, event, actor, this.ctx.clock.now());
        return sessionFromRow(row);
      });
    } catch (err) {
      if (isGatehouseError(err) && err.code === 'not_found' && sqliteCode(err.cause) !== null) {
        throw new GatehouseError('not_found', 'session: its grant, user or target does not exist', {
          cause: err.cause,
        });
      }
      throw err;
    }
  }

  end(
    id: SessionId,
    end: SessionEnd,
    event: AuditEventOf<'session.end'>,
    actor: Actor,
  ): Promise<Session> {
    return this.ctx.tx.write(async (db) => {
      const row = await db.get<SessionRow>(
        `UPDATE sessions SET ended_at = ?, end_reason = ?, exit_status = ?, bytes = ?, sha256 = ?,
           stdin_bytes = ?, stdin_sha256 = ?
         WHERE id = ? AND ended_at IS NULL RETURNING *`,
        [
          end.endedAt,
          end.reason,
          end.exitStatus,
          end.bytes,
          end.sha256,
          end.stdin?.bytes ?? null,
          end.stdin?.sha256 ?? null,
          id,
        ],
      );
      if (!row) {
        await requireLiveSession(db, id); // says why: no such session, or already ended
        throw new Error('sessions update returned no row');
      }
      await appendAuditEvent(db, event, actor, this.ctx.clock.now());
      return sessionFromRow(row);
    });
  }

  get(id: SessionId): Promise<Session | null> {
    return this.ctx.tx.read(async (db) => {
      const row = await db.get<SessionRow>('SELECT * FROM sessions WHERE id = ?', [id]);
      return row ? sessionFromRow(row) : null;
    });
  }

  idsStartingWith(prefix: string, limit: number): Promise<SessionId[]> {
    // A range on the primary key (ids are ASCII; U+FFFF sorts after any of their characters)
    // reads only the matching rows, and leaves no LIKE wildcard to escape.
    return this.ctx.tx.read(async (db) =>
      (
        await db.all<{ id: string }>(
          'SELECT id FROM sessions WHERE id >= ? AND id < ? ORDER BY id LIMIT ?',
          [prefix, `${prefix}\uffff`, limit],
        )
      ).map((r) => asSessionId(r.id)),
    );
  }

  /** All given filters must match; oldest first, or the `latest` newest first (SessionFilter). */
  list(filter: SessionFilter = {}): Promise<Session[]> {
    const where: string[] = [];
    const params: SqlValue[] = [];
    if (filter.live !== undefined)
      where.push(filter.live ? 's.ended_at IS NULL' : 's.ended_at IS NOT NULL');
    if (filter.userName !== undefined) {
      where.push('s.user_id IN (SELECT id FROM users WHERE name = ?)');
      params.push(filter.userName);
    }
    if (filter.targetName !== undefined) {
      where.push('s.target_id IN (SELECT id FROM targets WHERE name = ?)');
      params.push(filter.targetName);
    }
    if (filter.grantId !== undefined) {
      where.push('s.grant_id = ?');
      params.push(filter.grantId);
    }
    if (filter.kind !== undefined) {
      where.push('s.kind = ?');
      params.push(filter.kind);
    }
    if (filter.since !== undefined) {
      where.push('(s.ended_at IS NULL OR s.ended_at >= ?)');
      params.push(filter.since);
    }
    if (filter.until !== undefined) {
      where.push('s.started_at < ?');
      params.push(filter.until);
    }
    const order =
      filter.latest === undefined
        ? 'ORDER BY s.started_at, s.id'
        : 'ORDER BY s.started_at DESC, s.id DESC LIMIT ?';
    if (filter.latest !== undefined) params.push(filter.latest);
    const sql = `SELECT s.* FROM sessions s ${whereSql(where)} ${order}`;
    return this.ctx.tx.read(async (db) =>
      (await db.all<SessionRow>(sql, params)).map(sessionFromRow),
    );
  }

  /** A second request for the same session changes nothing and adds no event. */
  requestKill(id: SessionId, now: EpochMs, actor: Actor, reason: string): Promise<void> {
    return this.ctx.tx.write(async (db) => {
      await requireLiveSession(db, id);
      const result = await db.run(
        `UPDATE sessions SET kill_requested_at = ?, kill_reason = ?
         WHERE id = ? AND kill_requested_at IS NULL`,
        [now, reason, id],
      );
      if (result.changes === 0) return;
      await appendAuditEvent(
        db,
        auditEvents.sessionKill({ sessionId: id, reason }),
        actor,
        this.ctx.clock.now(),
      );
      await announceChange(this.ctx.changes, db, { kind: 'session', id });
    });
  }

  killRequested(): Promise<KillRequest[]> {
    return this.ctx.tx.read(async (db) =>
      (
        await db.all<{ id: string; kill_reason: string | null }>(
          `SELECT id, kill_reason FROM sessions
           WHERE ended_at IS NULL AND kill_requested_at IS NOT NULL ORDER BY started_at`,
        )
      ).map((r) => ({ sessionId: asSessionId(r.id), reason: r.kill_reason })),
    );
  }
}
