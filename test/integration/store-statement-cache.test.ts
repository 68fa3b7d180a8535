/**
 * The store keeps its prepared statements (src/store/database.ts). What must not change with
 * that: every read sees what any connection committed before it, a failed statement can run
 * again, and the store still closes, however many different statements it ran.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionId } from '../../src/core/model.js';
import { Database } from '../../src/store/database.js';
import { openStore } from '../../src/store/open-store.js';
import { sessionEndEvent, sessionStartEvent } from '../helpers/session-events.js';
import { grantFor, MAX, seed, T0, useTempStore } from './store-fixtures.js';

const t = useTempStore();

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempDb = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'gh-stmt-'));
  dirs.push(dir);
  return join(dir, 'x.db');
};

describe('prepared statements kept by the store', () => {
  it('a read sees a revocation another process committed after the previous reads', async () => {
    const { ndaA, db1 } = await seed(t.store);
    const grant = await t.store.grants.add(grantFor(ndaA.id), MAX, T0, 'root');
    const alice = await t.store.users.findByName('alice');
    if (alice === null) throw new Error('no alice');
    // Every statement a login runs, once, so each is prepared and cached.
    expect(await t.store.targets.findByName('db1')).toMatchObject({ id: db1.id });
    expect(await t.store.users.keys(alice.id)).toHaveLength(1);
    expect(
      (await t.store.grants.forUserAndTarget(alice.id, db1.id)).map((g) => g.revokedAt),
    ).toEqual([null]);
    expect(await t.store.ndas.get(ndaA.id)).toMatchObject({ revokedAt: null });

    // The CLI is another process with its own connection.
    const cli = await openStore(t.path);
    try {
      await cli.grants.revoke(grant.id, 'contract ended', T0 + 1, 'root');
      await cli.ndas.revoke(ndaA.id, 'contract ended', 'root');
    } finally {
      await cli.close();
    }

    // A statement left mid-result would pin the old snapshot for every later read on the connection.
    await t.store.users.findByName('alice');
    expect(
      (await t.store.grants.forUserAndTarget(alice.id, db1.id)).map((g) => g.revokedAt),
    ).toEqual([T0 + 1]);
    expect(await t.store.grants.get(grant.id)).toMatchObject({
      revokedAt: T0 + 1,
      revokeReason: 'contract ended',
    });
    expect((await t.store.ndas.get(ndaA.id))?.revokedAt).not.toBeNull();
  });

  it('ends a session once; a second end is refused and an unknown session is not found, changing nothing', async () => {
    const { ndaA } = await seed(t.store);
    const g = await t.store.grants.add(grantFor(ndaA.id), MAX, T0, 'root');
    const id = 'a47ac10b-58cc-4372-a567-0e02b2c3d479' as SessionId;
    await t.store.sessions.start(
      {
        id,
        grantId: g.id,
        userId: g.userId,
        targetId: g.targetId,
        startedAt: T0,
        recordingPath: null,
      },
      sessionStartEvent({ sessionId: id, grantId: g.id }),
      'user:alice',
    );
    const end = {
      endedAt: T0 + 5,
      reason: 'closed',
      exitStatus: 0,
      bytes: 10,
      sha256: null,
    } as const;
    await t.store.sessions.end(
      id,
      end,
      sessionEndEvent({ sessionId: id, grantId: g.id }),
      'user:alice',
    );
    const before = await t.counts();
    await expect(
      t.store.sessions.end(
        id,
        end,
        sessionEndEvent({ sessionId: id, grantId: g.id }),
        'user:alice',
      ),
    ).rejects.toMatchObject({
      code: 'refused',
      userMessage: `session: ${id} has already ended`,
    });
    const unknown = '00000000-0000-4000-8000-000000000000' as SessionId;
    await expect(
      t.store.sessions.end(
        unknown,
        end,
        sessionEndEvent({ sessionId: unknown, grantId: g.id }),
        'user:alice',
      ),
    ).rejects.toMatchObject({ code: 'not_found' });
    expect(await t.counts()).toEqual(before);
    expect(await t.store.sessions.get(id)).toMatchObject({ endedAt: T0 + 5, exitStatus: 0 });
    expect(await t.store.audit.verify()).toMatchObject({ ok: true });
  });

  it('runs a statement again after it failed, and closes after more statements than it keeps', async () => {
    const db = await Database.open(tempDb());
    await db.exec('CREATE TABLE t (x INTEGER UNIQUE)');
    await db.run('INSERT INTO t (x) VALUES (?)', [1]);
    await expect(db.run('INSERT INTO t (x) VALUES (?)', [1])).rejects.toThrow(/UNIQUE/);
    expect(await db.run('INSERT INTO t (x) VALUES (?)', [2])).toMatchObject({ changes: 1 });
    await expect(db.get('SELECT x FROM nosuch')).rejects.toThrow(/no such table/);
    await db.exec('CREATE TABLE nosuch (x INTEGER)');
    expect(await db.get('SELECT x FROM nosuch')).toBeUndefined();

    for (let i = 0; i < 300; i++)
      expect(await db.get<{ n: number }>(`SELECT ${i} AS n`)).toEqual({ n: i });
    // The first statements were dropped from the cache long ago: prepared again when needed.
    expect(await db.all<{ x: number }>('SELECT x FROM t ORDER BY x')).toEqual([{ x: 1 }, { x: 2 }]);
    await db.close();
  });

  it('run() of a statement that returns rows leaves no snapshot behind', async () => {
    const path = tempDb();
    const db = await Database.open(path);
    const other = await Database.open(path);
    try {
      await db.exec('PRAGMA journal_mode = WAL; CREATE TABLE t (x INTEGER)');
      await db.run('INSERT INTO t (x) VALUES (?), (?)', [1, 2]);
      await db.run('SELECT x FROM t');
      await db.run('UPDATE t SET x = x WHERE x = ? RETURNING x', [1]);
      await other.run('INSERT INTO t (x) VALUES (?)', [3]);
      expect(await db.all<{ x: number }>('SELECT x FROM t ORDER BY x')).toEqual([
        { x: 1 },
        { x: 2 },
        { x: 3 },
      ]);
    } finally {
      await other.close();
      await db.close();
    }
  });
});
