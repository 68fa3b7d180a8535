/**
 * The review page's session list (issue 15): one page and the total, live sessions first, then
 * the rest, each newest first. Every query runs on an index of the sessions table (migration 13;
 * `store-session-list.test.ts` checks the plans) and never reads the audit table. User and
 * target names are turned into ids first, so a filter is an equality on an indexed column.
 */
import type { ReviewSession, SessionListPage, SessionListQuery } from '../core/reviewer.js';
import type { Dialect } from './dialect.js';
import type { SqlConnection, SqlValue } from './sql-connection.js';
import { sessionFromRow, type SessionRow } from './rows.js';
import { whereSql } from './sql-where.js';

export type ReviewSessionRow = SessionRow & {
  user_name: string;
  target_name: string;
  transfer_files: number;
  transfer_bytes: number;
};

export const reviewSessionFromRow = (r: ReviewSessionRow): ReviewSession => ({
  ...sessionFromRow(r),
  userName: r.user_name,
  targetName: r.target_name,
  transfers: { files: r.transfer_files, bytes: r.transfer_bytes },
});

/** The names by primary key per row, so the planner keeps sessions as the outer loop. */
export const REVIEW_SESSION_SELECT = `SELECT s.*,
  (SELECT name FROM users WHERE id = s.user_id) AS user_name,
  (SELECT name FROM targets WHERE id = s.target_id) AS target_name
  FROM sessions s`;

/** Newest first; insertion order breaks ties the way the started_at indexes are ordered. */
const newestFirst = (dialect: Dialect): string =>
  `ORDER BY s.started_at DESC, ${dialect.sessionOrder} DESC`;

export interface Conditions {
  readonly where: readonly string[];
  readonly params: readonly SqlValue[];
}

/** The query's filters as SQL; null when a named user or target does not exist (no rows). */
export async function listConditions(
  db: SqlConnection,
  q: Omit<SessionListQuery, 'offset' | 'limit'>,
): Promise<Conditions | null> {
  const where: string[] = [];
  const params: SqlValue[] = [];
  if (q.userName !== undefined) {
    const user = await db.get<{ id: number }>('SELECT id FROM users WHERE name = ?', [q.userName]);
    if (!user) return null;
    where.push('s.user_id = ?');
    params.push(user.id);
  }
  if (q.targetName !== undefined) {
    // Removed targets keep their sessions, and their name may have been reused.
    const ids = (
      await db.all<{ id: number }>('SELECT id FROM targets WHERE name = ?', [q.targetName])
    ).map((r) => r.id);
    if (ids.length === 0) return null;
    where.push(`s.target_id IN (${ids.map(() => '?').join(', ')})`);
    params.push(...ids);
  }
  if (q.grantId !== undefined) {
    where.push('s.grant_id = ?');
    params.push(q.grantId);
  }
  if (q.from !== undefined) {
    where.push('s.started_at >= ?');
    params.push(q.from);
  }
  if (q.to !== undefined) {
    where.push('s.started_at < ?');
    params.push(q.to);
  }
  if (q.kind !== undefined) {
    where.push('s.kind = ?');
    params.push(q.kind);
  }
  if (q.flagged === true) where.push('s.flag_count > 0');
  if (q.live === true) where.push('s.ended_at IS NULL');
  return { where, params };
}

/** The statements of one page, for the page itself and for the query plan test. */
export function pageStatements(
  c: Conditions,
  dialect: Dialect,
): {
  readonly countAll: string;
  readonly countLive: string;
  readonly live: string;
  readonly ended: string;
} {
  const live = [...c.where, 's.ended_at IS NULL'];
  const ended = [...c.where, 's.ended_at IS NOT NULL'];
  return {
    countAll: `SELECT COUNT(*) AS n FROM sessions s ${whereSql(c.where)}`,
    countLive: `SELECT COUNT(*) AS n FROM sessions s ${whereSql(live)}`,
    live: `${REVIEW_SESSION_SELECT} ${whereSql(live)} ${newestFirst(dialect)} LIMIT ? OFFSET ?`,
    ended: `${REVIEW_SESSION_SELECT} ${whereSql(ended)} ${newestFirst(dialect)} LIMIT ? OFFSET ?`,
  };
}

/** Run inside one read transaction, so the page and its total agree. */
export async function sessionListPage(
  db: SqlConnection,
  q: SessionListQuery,
): Promise<SessionListPage> {
  const conditions = await listConditions(db, q);
  if (conditions === null) return { sessions: [], total: 0 };
  const sql = pageStatements(conditions, db.dialect);
  const count = async (statement: string): Promise<number> =>
    (await db.get<{ n: number }>(statement, conditions.params))?.n ?? 0;
  const total = await count(sql.countAll);
  const liveTotal = q.live === true ? total : await count(sql.countLive);
  const offset = Math.max(0, Math.floor(q.offset));
  const limit = Math.max(1, Math.floor(q.limit));
  const rows: ReviewSessionRow[] = [];
  if (offset < liveTotal) {
    rows.push(...(await db.all<ReviewSessionRow>(sql.live, [...conditions.params, limit, offset])));
  }
  if (rows.length < limit && q.live !== true) {
    rows.push(
      ...(await db.all<ReviewSessionRow>(sql.ended, [
        ...conditions.params,
        limit - rows.length,
        Math.max(0, offset - liveTotal),
      ])),
    );
  }
  return { sessions: rows.map(reviewSessionFromRow), total };
}
