import { expect, it } from 'vitest';
import type { Grant, SessionId } from '../../src/core/model.js';
import { sessionEndEvent, sessionStartEvent } from '../helpers/session-events.js';
import { describeEachStore, grantFor, MAX, seed, T0, type TempStore } from './store-fixtures.js';

const OLD = '11111111-1111-4111-8111-111111111111' as SessionId;
const NEW = '22222222-2222-4222-8222-222222222222' as SessionId;

/** An ended session with a recording, started at `at`. */
async function endedSession(t: TempStore, g: Grant, id: SessionId, at: number) {
  await t.store.sessions.start(
    {
      id,
      grantId: g.id,
      userId: g.userId,
      targetId: g.targetId,
      startedAt: at,
      recordingPath: `r/${id}.cast`,
    },
    sessionStartEvent({ sessionId: id, grantId: g.id }),
    'user:alice',
  );
  await t.store.sessions.end(
    id,
    { endedAt: at + 10, reason: 'closed', exitStatus: 0, bytes: 10, sha256: 'b'.repeat(64) },
    sessionEndEvent({ sessionId: id, grantId: g.id }, 'closed'),
    'system',
  );
}

const chunk = (body: string, ownFrom = 0) => ({
  ownFrom,
  times: [[0, 5]] as [number, number][],
  body,
});

describeEachStore('search over recorded output', (t) => {
  it('finds a substring in any case, newest session first, and only what was indexed', async () => {
    const { ndaA } = await seed(t.store);
    const g = await t.store.grants.add(grantFor(ndaA.id), MAX, T0, 'root');
    await endedSession(t, g, OLD, T0 + 100);
    await endedSession(t, g, NEW, T0 + 200);
    expect((await t.store.recordingText.unindexed(10)).map((s) => s.id)).toEqual([NEW, OLD]);

    await t.store.recordingText.index(
      OLD,
      { chunks: [chunk('cat /etc/Passwd'), chunk('rm -rf 50%_done')], chars: 30, complete: true },
      T0 + 300,
    );
    await t.store.recordingText.index(
      NEW,
      { chunks: [chunk('less /etc/passwd')], chars: 16, complete: false },
      T0 + 300,
    );
    expect(await t.store.recordingText.unindexed(10)).toEqual([]);
    expect(await t.store.recordingText.incomplete()).toBe(1);

    const found = await t.store.recordingText.candidates('ETC/PASSWD', 5, 10);
    expect(found.map((f) => [f.session.id, f.body])).toEqual([
      [NEW, 'less /etc/passwd'],
      [OLD, 'cat /etc/Passwd'],
    ]);
    expect(found[0]?.times).toEqual([[0, 5]]);
    // The query's characters are literal: % and _ are no wildcards.
    expect((await t.store.recordingText.candidates('50%_d', 5, 10)).map((f) => f.body)).toEqual([
      'rm -rf 50%_done',
    ]);
    expect(await t.store.recordingText.candidates('0%x', 5, 10)).toEqual([]);
    expect(await t.store.recordingText.candidates('nowhere', 5, 10)).toEqual([]);

    // Indexing again replaces the session's text.
    await t.store.recordingText.index(
      OLD,
      { chunks: [chunk('whoami')], chars: 6, complete: true },
      T0 + 400,
    );
    expect(
      (await t.store.recordingText.candidates('passwd', 5, 10)).map((f) => f.session.id),
    ).toEqual([NEW]);
    expect(await t.store.recordingText.incomplete()).toBe(1);
  });
});
