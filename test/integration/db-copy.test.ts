import { describe, expect, it } from 'vitest';
import { sessionEndEvent, sessionStartEvent } from '../helpers/session-events.js';
import { sharedPostgres } from '../helpers/postgres-server.js';
import type { SessionId } from '../../src/core/model.js';
import { makeCli } from './cli-harness.js';
import { grantFor, key, MAX, seed, T0, withStoreAt } from './store-fixtures.js';
import { filed, judgeAs, yes } from './store-request-fixtures.js';

const SID = 'f47ac10b-58cc-4372-a567-0e02b2c3d479' as SessionId;

describe('gatehouse db copy --to postgres://…', () => {
  it('copies a SQLite database into an empty PostgreSQL one with its chain verified there, once', async () => {
    const cli = await makeCli();
    const before = await withStoreAt(cli.dbPath, async (store) => {
      const { ndaA } = await seed(store);
      const g = await store.grants.add(grantFor(ndaA.id), MAX, T0, 'root');
      await store.sessions.start(
        {
          id: SID,
          grantId: g.id,
          userId: g.userId,
          targetId: g.targetId,
          startedAt: T0 + 1,
          recordingPath: 'r.cast',
        },
        sessionStartEvent({ sessionId: SID, grantId: g.id }),
        'user:alice',
      );
      await store.sessions.end(
        SID,
        { endedAt: T0 + 2, reason: 'closed', exitStatus: 0, bytes: 1, sha256: 'b'.repeat(64) },
        sessionEndEvent({ sessionId: SID, grantId: g.id }, 'closed'),
        'system',
      );
      await store.reviewers.add('rita', null, 'root');
      // A grant made by an approval names its request, filed after the grant above.
      const request = await store.requests.create(filed(ndaA.id), null, T0 + 3, 'user:alice');
      await store.requests.approve(
        request.id,
        yes('carol'),
        judgeAs('carol'),
        T0 + 4,
        'reviewer:carol',
      );
      return { head: await store.audit.head(), grants: await store.grants.list({}) };
    });
    const server = await sharedPostgres();
    const url = server.url(await server.createEmptyDatabase());

    const r = await cli.run('db', 'copy', '--to', url);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      new RegExp(
        `^copied \\d+ rows to postgres://localhost/\\S+ .*; audit chain: ${before.head?.seq} events verified there\\n$`,
      ),
    );

    await withStoreAt(url, async (pg) => {
      expect(await pg.audit.head()).toEqual(before.head);
      expect(await pg.audit.verify()).toEqual({ ok: true, count: before.head?.seq });
      expect(await pg.grants.list({})).toEqual(before.grants);
      expect(before.grants.map((g) => g.requestId)).toEqual([null, 1]);
      expect((await pg.sessions.get(SID))?.endReason).toBe('closed');
      expect((await pg.reviewers.findByName('rita'))?.reviewer.name).toBe('rita');
      // New rows continue after the copied ids, and the chain after the copied head.
      const carol = await pg.users.add('carol', key(9), 'root');
      expect(carol.id).toBe(3);
      expect((await pg.audit.verify()).ok).toBe(true);
    });

    const again = await cli.run('db', 'copy', '--to', url);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(
      /^gatehouse: db copy: postgres:\/\/localhost\/\S+ .*is not empty \(users has 3 rows\); copy into an empty database\n$/,
    );
    await withStoreAt(url, async (pg) => {
      expect((await pg.users.list()).map((u) => u.name)).toEqual(['alice', 'bob', 'carol']);
    });

    const bad = await cli.run('db', 'copy', '--to', 'mysql://db/x');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('gatehouse: --to: must be a postgres:// or postgresql:// URL\n');
  });
});
