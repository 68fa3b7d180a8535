/**
 * Retention and legal holds on the sessions table (migration 18, docs/retention.md). The files
 * are removed by the caller between markPruned and markRemoved: the event and the mark come first,
 * so a recording is never gone without its `recording.pruned` in the chain.
 */
import { auditEvents, type AuditEventOf } from '../core/audit-events.js';
import { GatehouseError } from '../core/errors.js';
import type { Actor, EpochMs, Session, SessionId } from '../core/model.js';
import { quoteForMessage } from '../core/names.js';
import { isoTime } from '../core/timestamp.js';
import type {
  PruneCandidate,
  PruneCursor,
  RecordingRetentionRepository,
} from '../core/retention.js';
import { appendAuditEvent } from './audit-chain.js';
import type { StoreContext } from './context.js';
import type { SqlConnection } from './sql-connection.js';
import { asGrantId, asSessionId, sessionFromRow, type SessionRow } from './rows.js';

interface CandidateRow {
  id: string;
  grant_id: number;
  recording_path: string;
  ended_at: number;
}

const candidateOf = (r: CandidateRow): PruneCandidate => ({
  sessionId: asSessionId(r.id),
  grantId: asGrantId(r.grant_id),
  recordingPath: r.recording_path,
  endedAt: r.ended_at,
});

async function requireSession(db: SqlConnection, id: SessionId, what: string): Promise<Session> {
  const row = await db.get<SessionRow>('SELECT * FROM sessions WHERE id = ?', [id]);
  if (!row) throw new GatehouseError('not_found', `${what}: no session ${quoteForMessage(id)}`);
  return sessionFromRow(row);
}

export class SqliteRecordingRetentionRepository implements RecordingRetentionRepository {
  constructor(private readonly ctx: StoreContext) {}

  due(cutoff: EpochMs, after: PruneCursor | null, limit: number): Promise<PruneCandidate[]> {
    // The terms of the sessions_prunable index, then the keyset cursor on it.
    return this.ctx.tx.read(async (db) =>
      (
        await db.all<CandidateRow>(
          `SELECT id, grant_id, recording_path, ended_at FROM sessions
           WHERE ended_at IS NOT NULL AND recording_pruned_at IS NULL AND hold_at IS NULL
             AND ended_at < ? AND recording_path IS NOT NULL
             AND (ended_at > ? OR (ended_at = ? AND id > ?))
           ORDER BY ended_at, id LIMIT ?`,
          [cutoff, after?.endedAt ?? -1, after?.endedAt ?? -1, after?.sessionId ?? '', limit],
        )
      ).map(candidateOf),
    );
  }

  markPruned(
    event: AuditEventOf<'recording.pruned'>,
    cutoff: EpochMs,
    actor: Actor,
  ): Promise<void> {
    const id = event.payload.sessionId;
    return this.ctx.tx.write(async (db) => {
      const s = await requireSession(db, id, 'recording prune');
      if (s.endedAt === null) throw new GatehouseError('refused', `recording: ${id} is live`);
      if (s.recordingPrunedAt !== null)
        throw new GatehouseError(
          'refused',
          `recording: ${id} was pruned ${isoTime(s.recordingPrunedAt)}`,
        );
      if (s.hold !== null) throw new GatehouseError('refused', `recording: ${id} is on legal hold`);
      if (s.endedAt >= cutoff)
        throw new GatehouseError('refused', `recording: ${id} is not past retention`);
      if (s.recordingPath !== event.payload.path)
        throw new GatehouseError('refused', `recording: ${id} names another recording path`);
      const now = this.ctx.clock.now();
      await db.run('UPDATE sessions SET recording_pruned_at = ? WHERE id = ?', [now, id]);
      // The search index holds the recording's text: it goes with the recording.
      await db.run('DELETE FROM recording_text WHERE session_id = ?', [id]);
      await db.run('DELETE FROM recording_indexed WHERE session_id = ?', [id]);
      await appendAuditEvent(db, event, actor, now);
    });
  }

  unremoved(limit: number): Promise<PruneCandidate[]> {
    return this.ctx.tx.read(async (db) =>
      (
        await db.all<CandidateRow>(
          `SELECT id, grant_id, recording_path, ended_at FROM sessions
           WHERE recording_pruned_at IS NOT NULL AND recording_removed_at IS NULL
           ORDER BY recording_pruned_at, id LIMIT ?`,
          [limit],
        )
      ).map(candidateOf),
    );
  }

  markRemoved(sessionId: SessionId, now: EpochMs): Promise<void> {
    return this.ctx.tx.write(async (db) => {
      await db.run(
        `UPDATE sessions SET recording_removed_at = ?
         WHERE id = ? AND recording_pruned_at IS NOT NULL AND recording_removed_at IS NULL`,
        [now, sessionId],
      );
    });
  }

  hold(sessionId: SessionId, reason: string, actor: Actor): Promise<Session> {
    return this.ctx.tx.write(async (db) => {
      const now = this.ctx.clock.now();
      const s = await requireSession(db, sessionId, 'recording hold');
      if (s.recordingPrunedAt !== null)
        throw new GatehouseError(
          'refused',
          `recording hold: ${sessionId} was pruned ${isoTime(s.recordingPrunedAt)}; there is nothing left to hold`,
        );
      if (s.hold !== null)
        throw new GatehouseError(
          'refused',
          `recording hold: ${sessionId} is already on legal hold since ${isoTime(s.hold.at)}`,
        );
      const row = await db.get<SessionRow>(
        `UPDATE sessions SET hold_reason = ?, hold_by = ?, hold_at = ? WHERE id = ? RETURNING *`,
        [reason, actor, now, sessionId],
      );
      if (!row) throw new Error('sessions update returned no row');
      await appendAuditEvent(db, auditEvents.recordingHold({ sessionId, reason }), actor, now);
      return sessionFromRow(row);
    });
  }

  release(sessionId: SessionId, reason: string, actor: Actor): Promise<Session> {
    return this.ctx.tx.write(async (db) => {
      const s = await requireSession(db, sessionId, 'recording release');
      if (s.hold === null)
        throw new GatehouseError('refused', `recording release: ${sessionId} is not on legal hold`);
      const row = await db.get<SessionRow>(
        `UPDATE sessions SET hold_reason = NULL, hold_by = NULL, hold_at = NULL
         WHERE id = ? RETURNING *`,
        [sessionId],
      );
      if (!row) throw new Error('sessions update returned no row');
      await appendAuditEvent(
        db,
        auditEvents.recordingRelease({ sessionId, reason }),
        actor,
        this.ctx.clock.now(),
      );
      return sessionFromRow(row);
    });
  }
}
