import { describe, expect, it } from 'vitest';
import type { SessionListQuery } from '../../src/core/reviewer.js';
import { Database } from '../../src/store/database.js';
import { sqliteDialect } from '../../src/store/dialect.js';
import { listConditions, pageStatements } from '../../src/store/session-list-page.js';
import {
  idsOf as ids,
  listOrder,
  seedManySessions,
  type SeededRow,
} from './many-sessions-fixture.js';
import { describeEachStore, HOUR, T0, useTempStore } from './store-fixtures.js';

const COUNT = 10_234;

describeEachStore('the review page session list over 10,234 sessions', (ts) => {
  const seeded = (): Promise<SeededRow[]> => seedManySessions(ts.store, ts.path, COUNT, T0);

  const page = async (q: Omit<SessionListQuery, 'offset' | 'limit'>, offset = 0, limit = 50) => {
    const p = await ts.store.reviewers.sessionPage({ ...q, offset, limit });
    return { ids: p.sessions.map((s) => s.id), total: p.total };
  };

  it('pages live sessions first, then the rest newest first, with the total', async () => {
    const rows = await seeded();
    const ordered = listOrder(rows);
    expect(await page({})).toEqual({ ids: ids(ordered.slice(0, 50)), total: COUNT });
    // The page that crosses from the live sessions to the ended ones.
    expect(await page({}, 5, 10)).toEqual({ ids: ids(ordered.slice(5, 15)), total: COUNT });
    expect(await page({}, 50)).toEqual({ ids: ids(ordered.slice(50, 100)), total: COUNT });
    expect(await page({}, 10_200)).toEqual({ ids: ids(ordered.slice(10_200)), total: COUNT });
    // Sessions 1-3, the newest ended ones, after the 10 live ones.
    const { sessions } = await ts.store.reviewers.sessionPage({ offset: 10, limit: 3 });
    expect(sessions.map((s) => [s.userName, s.targetName, s.kind, s.command])).toEqual([
      ['alice', 'db1', 'shell', null],
      ['bob', 'web1', 'shell', null],
      ['alice', 'db1', 'exec', 'uptime'],
    ]);
  });

  it('filters by user, target, kind, flagged, live and time range, each with its own total', async () => {
    const rows = await seeded();
    const check = async (
      q: Omit<SessionListQuery, 'offset' | 'limit'>,
      keep: (r: SeededRow) => boolean,
    ): Promise<void> => {
      const want = listOrder(rows.filter(keep));
      expect(want.length).toBeGreaterThan(0);
      expect(await page(q), JSON.stringify(q)).toEqual({
        ids: ids(want.slice(0, 50)),
        total: want.length,
      });
      expect(await page(q, 50)).toEqual({ ids: ids(want.slice(50, 100)), total: want.length });
    };
    await check({ userName: 'alice' }, (r) => r.user === 'alice');
    await check({ targetName: 'web1' }, (r) => r.target === 'web1');
    await check({ flagged: true }, (r) => r.flagged);
    await check({ live: true }, (r) => r.live);
    await check({ kind: 'exec' }, (r) => r.kind === 'exec');
    await check({ kind: 'shell', userName: 'bob' }, (r) => r.kind === 'shell' && r.user === 'bob');
    await check({ from: T0 - 24 * HOUR }, (r) => r.startedAt >= T0 - 24 * HOUR);
    await check(
      { userName: 'bob', from: T0 - 7 * 24 * HOUR, to: T0 - HOUR },
      (r) => r.user === 'bob' && r.startedAt >= T0 - 7 * 24 * HOUR && r.startedAt < T0 - HOUR,
    );
    expect(await page({ userName: 'nobody' })).toEqual({ ids: [], total: 0 });
    expect(await page({ targetName: 'nowhere' })).toEqual({ ids: [], total: 0 });
    expect(await page({ kind: 'sftp' })).toEqual({ ids: [], total: 0 });
  });
});

// SQLite's query plans; PostgreSQL's planner chooses by its statistics and cost settings.
describe('the session list on SQLite', () => {
  const ts = useTempStore('sqlite');

  it('reads only indexes of the sessions table: no table scan, no sort, no audit table', async () => {
    await seedManySessions(ts.store, ts.path, COUNT, T0);
    const db = await Database.open(ts.path);
    try {
      await db.run('ANALYZE');
      const queries: Omit<SessionListQuery, 'offset' | 'limit'>[] = [
        {},
        { userName: 'alice' },
        { targetName: 'db1' },
        { flagged: true },
        { live: true },
        { kind: 'exec' },
        { from: T0 - HOUR },
        { from: T0 - 7 * 24 * HOUR, to: T0 - HOUR },
        { userName: 'bob', from: T0 - 24 * HOUR },
      ];
      for (const q of queries) {
        const c = await listConditions(db, q);
        if (c === null) throw new Error('no conditions');
        for (const [name, sql] of Object.entries(pageStatements(c, sqliteDialect))) {
          const params = sql.includes('LIMIT') ? [...c.params, 50, 0] : c.params;
          const plan = (await db.all<{ detail: string }>(`EXPLAIN QUERY PLAN ${sql}`, params)).map(
            (r) => r.detail,
          );
          const where = `${JSON.stringify(q)} ${name}: ${plan.join(' | ')}`;
          expect(plan.length, where).toBeGreaterThan(0);
          for (const step of plan) {
            expect(step, where).not.toMatch(/audit_events/);
            expect(step, where).not.toMatch(/TEMP B-TREE/);
            if (/^SCAN /.test(step)) expect(step, where).toMatch(/USING (COVERING )?INDEX/);
          }
        }
      }
    } finally {
      await db.close();
    }
  });
});
