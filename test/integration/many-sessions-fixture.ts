/**
 * Many sessions in one statement of plain SQL (SQLite or PostgreSQL) (the store's own start writes an audit event
 * each: far too slow for 10,000), following one rule per session number so a test can work out
 * what any page or filter should hold. Session 1 is the newest.
 */
import type { GrantId, SessionId, TargetId, UserId } from '../../src/core/model.js';
import type { Store } from '../../src/core/ports.js';
import { grantFor, seed, HOST_KEY, MAX, T0, withConnectionAt } from './store-fixtures.js';

const MIN = 60_000;

/** Whose sessions the odd or even numbers are: a grant with its user and target. */
export interface SessionOwner {
  readonly user: string;
  readonly target: string;
  readonly grantId: GrantId;
  readonly userId: UserId;
  readonly targetId: TargetId;
}

export interface SeededRow {
  readonly id: string;
  readonly user: string;
  readonly target: string;
  readonly startedAt: number;
  readonly live: boolean;
  readonly flagged: boolean;
  /** exec when n % 3 = 0, else shell. */
  readonly kind: 'shell' | 'exec' | null;
}

/** Session `n`: a minute older than n-1; every 1000th live, n % 100 = 7 or 42 flagged. */
function seededRow(n: number, now: number, owner: SessionOwner): SeededRow {
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    user: owner.user,
    target: owner.target,
    startedAt: now - n * MIN,
    live: n % 1000 === 0,
    flagged: n % 100 === 7 || n % 100 === 42,
    kind: n % 3 === 0 ? 'exec' : 'shell',
  };
}

/** In list order: live sessions first, then the rest, each newest first. */
export function listOrder(rows: readonly SeededRow[]): SeededRow[] {
  const newest = [...rows].sort((a, b) => b.startedAt - a.startedAt);
  return [...newest.filter((r) => r.live), ...newest.filter((r) => !r.live)];
}

/** `count` sessions started before `now`: odd numbers `odd`'s, even numbers `even`'s. */
export async function insertManySessions(
  dbPath: string,
  owners: { readonly odd: SessionOwner; readonly even: SessionOwner },
  count: number,
  now: number,
): Promise<SeededRow[]> {
  const { odd, even } = owners;
  // One statement: atomic on either engine. Parameters are cast: PostgreSQL infers their types.
  await withConnectionAt(dbPath, async (db) => {
    const id =
      db.dialect.engine === 'postgres'
        ? "'00000000-0000-4000-8000-' || lpad(n::text, 12, '0')"
        : "printf('00000000-0000-4000-8000-%012d', n)";
    await db.run(
      `WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < ?)
       INSERT INTO sessions (id, grant_id, user_id, target_id, started_at, ended_at, end_reason,
         exit_status, bytes, kind, command, flag_count)
       SELECT ${id},
         CASE n % 2 WHEN 1 THEN CAST(? AS BIGINT) ELSE CAST(? AS BIGINT) END,
         CASE n % 2 WHEN 1 THEN CAST(? AS BIGINT) ELSE CAST(? AS BIGINT) END,
         CASE n % 2 WHEN 1 THEN CAST(? AS BIGINT) ELSE CAST(? AS BIGINT) END,
         CAST(? AS BIGINT) - n * ${MIN},
         CASE WHEN n % 1000 = 0 THEN NULL ELSE CAST(? AS BIGINT) - n * ${MIN} + 30000 END,
         CASE WHEN n % 1000 = 0 THEN NULL ELSE 'closed' END,
         CASE WHEN n % 1000 = 0 THEN NULL ELSE n % 3 END, n * 10,
         CASE n % 3 WHEN 0 THEN 'exec' ELSE 'shell' END,
         CASE n % 3 WHEN 0 THEN 'uptime' END,
         CASE WHEN n % 100 IN (7, 42) THEN 2 ELSE 0 END
       FROM k`,
      [
        count,
        odd.grantId,
        even.grantId,
        odd.userId,
        even.userId,
        odd.targetId,
        even.targetId,
      ].concat([now, now]),
    );
  });
  return Array.from({ length: count }, (_, i) =>
    seededRow(i + 1, now, (i + 1) % 2 === 1 ? odd : even),
  );
}

/** The store tests' alice on db1 (odd) and bob on web1 (even), then `count` sessions. */
export async function seedManySessions(
  store: Store,
  dbPath: string,
  count: number,
  now: number,
): Promise<SeededRow[]> {
  const { ndaA, ndaB } = await seed(store);
  await store.targets.add(
    { name: 'web1', host: '10.0.0.6', port: 22, login: 'ops', hostKey: HOST_KEY },
    'root',
  );
  // The sessions need a grant row each (foreign key), not one whose window covers them.
  const a = await store.grants.add(grantFor(ndaA.id), MAX, T0, 'root');
  const b = await store.grants.add(
    grantFor(ndaB.id, { userName: 'bob', targetName: 'web1' }),
    MAX,
    T0,
    'root',
  );
  const owner = (user: string, target: string, g: typeof a): SessionOwner => ({
    user,
    target,
    grantId: g.id,
    userId: g.userId,
    targetId: g.targetId,
  });
  return insertManySessions(
    dbPath,
    { odd: owner('alice', 'db1', a), even: owner('bob', 'web1', b) },
    count,
    now,
  );
}

/** The ids of rows, for comparing pages. */
export const idsOf = (rows: readonly { readonly id: string | SessionId }[]): string[] =>
  rows.map((r) => r.id);
