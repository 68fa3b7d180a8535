/** The search index of recorded output (migration 13): chunks of text under an FTS5 trigram index. */
import type { EpochMs, SessionId } from '../core/model.js';
import type {
  FoundChunk,
  IndexedText,
  RecordingTextRepository,
  TextChunk,
} from '../core/recording-search.js';
import type { StoreContext } from './context.js';
import { asSessionId } from './rows.js';
import {
  REVIEW_SESSION_SELECT,
  reviewSessionFromRow,
  type ReviewSessionRow,
} from './session-list-page.js';

interface ChunkRow {
  session_id: string;
  own_from: number;
  times: string;
  body: string;
}

/**
 * A grant re-check waits on the store for at most one such transaction, and the grant watcher
 * closes a session whose grant goes unconfirmed for 5 s: at 32 chunks (FTS5 trigram inserts), a
 * loaded machine (load 14 on 2 cores) held it longer and closed half the downloads that overlapped
 * the previous session's indexing; at 4, none. WAL with synchronous=NORMAL: a commit is no fsync.
 */
const CHUNKS_PER_WRITE = 4;

function chunkFromRow(r: ChunkRow): TextChunk {
  const parsed: unknown = JSON.parse(r.times);
  const times = Array.isArray(parsed)
    ? parsed.filter(
        (t): t is [number, number] =>
          Array.isArray(t) && typeof t[0] === 'number' && typeof t[1] === 'number',
      )
    : [];
  return { ownFrom: r.own_from, times, body: r.body };
}

export class SqliteRecordingTextRepository implements RecordingTextRepository {
  constructor(private readonly ctx: StoreContext) {}

  /**
   * In transactions of CHUNKS_PER_WRITE chunks, so a long recording does not hold the database's
   * write lock (session starts and ends wait for it) for the whole of its text. Marked indexed
   * last: one cut short is indexed again at the next start.
   */
  async index(sessionId: SessionId, text: IndexedText, now: EpochMs): Promise<void> {
    await this.ctx.tx.write(async (db) => {
      await db.run('DELETE FROM recording_indexed WHERE session_id = ?', [sessionId]);
      await db.run('DELETE FROM recording_text WHERE session_id = ?', [sessionId]);
    });
    for (let from = 0; from < text.chunks.length; from += CHUNKS_PER_WRITE) {
      await this.ctx.tx.write(async (db) => {
        for (const [i, c] of text.chunks.slice(from, from + CHUNKS_PER_WRITE).entries()) {
          await db.run(
            `INSERT INTO recording_text (session_id, chunk, own_from, times, body)
             VALUES (?, ?, ?, ?, ?)`,
            [sessionId, from + i, c.ownFrom, JSON.stringify(c.times), c.body],
          );
        }
      });
    }
    await this.ctx.tx.write(async (db) => {
      await db.run(
        `INSERT INTO recording_indexed (session_id, indexed_at, chars, complete)
         VALUES (?, ?, ?, ?)
         ON CONFLICT (session_id) DO UPDATE SET indexed_at = excluded.indexed_at,
           chars = excluded.chars, complete = excluded.complete`,
        [sessionId, now, text.chars, text.complete ? 1 : 0],
      );
    });
  }

  candidates(query: string, perSession: number, limit: number): Promise<FoundChunk[]> {
    return this.ctx.tx.read(async (db) => {
      const rows = await db.all<ChunkRow>(
        `SELECT session_id, own_from, times, body FROM (
           SELECT r.session_id, r.own_from, r.times, r.body, r.chunk, s.started_at,
             ROW_NUMBER() OVER (PARTITION BY r.session_id ORDER BY r.chunk) AS k
           FROM (${db.dialect.textSearch.ids}) AS f
           JOIN recording_text r ON r.id = f.id
           JOIN sessions s ON s.id = r.session_id) AS found
         WHERE k <= ? ORDER BY started_at DESC, session_id, chunk LIMIT ?`,
        [db.dialect.textSearch.param(query), perSession, limit],
      );
      const ids = [...new Set(rows.map((r) => r.session_id))];
      if (ids.length === 0) return [];
      const sessions = new Map(
        (
          await db.all<ReviewSessionRow>(
            `${REVIEW_SESSION_SELECT} WHERE s.id IN (${ids.map(() => '?').join(', ')})`,
            ids,
          )
        ).map((r) => [r.id, reviewSessionFromRow(r)]),
      );
      return rows.flatMap((r) => {
        const session = sessions.get(r.session_id);
        return session === undefined ? [] : [{ ...chunkFromRow(r), session }];
      });
    });
  }

  unindexed(limit: number): Promise<{ id: SessionId; recordingPath: string }[]> {
    return this.ctx.tx.read(async (db) =>
      (
        await db.all<{ id: string; recording_path: string }>(
          `SELECT s.id, s.recording_path FROM sessions s
           WHERE s.ended_at IS NOT NULL AND s.recording_path IS NOT NULL
             AND s.recording_pruned_at IS NULL
             AND NOT EXISTS (SELECT 1 FROM recording_indexed i WHERE i.session_id = s.id)
           ORDER BY s.started_at DESC, ${db.dialect.sessionOrder} DESC LIMIT ?`,
          [limit],
        )
      ).map((r) => ({ id: asSessionId(r.id), recordingPath: r.recording_path })),
    );
  }

  incomplete(): Promise<number> {
    return this.ctx.tx.read(
      async (db) =>
        (
          await db.get<{ n: number }>(
            'SELECT COUNT(*) AS n FROM recording_indexed WHERE complete = 0',
          )
        )?.n ?? 0,
    );
  }
}
