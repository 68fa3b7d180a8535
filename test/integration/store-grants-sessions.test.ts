import { describe, expect, it } from 'vitest';
import type { NdaId, SessionId } from '../../src/core/model.js';
import { sessionEndEvent, sessionStartEvent } from '../helpers/session-events.js';
import { DAY, grantFor, MAX, seed, T0, describeEachStore } from './store-fixtures.js';

describeEachStore('grants and sessions', (t) => {
  describe('grants', () => {
    it('adds a shell and an allowlist grant with grant.create events, lists and revokes them', async () => {
      const { ndaA, ndaB, db1 } = await seed(t.store);
      const shell = await t.store.grants.add(grantFor(ndaA.id), MAX, T0, 'root');
      expect(shell).toMatchObject({
        targetId: db1.id,
        ndaId: ndaA.id,
        mode: 'shell',
        allowlist: [],
        createdBy: 'root',
        revokedAt: null,
      });
      expect(await t.lastAudit()).toMatchObject({
        type: 'grant.create',
        payload: {
          grantId: shell.id,
          user: 'alice',
          target: 'db1',
          ndaId: ndaA.id,
          mode: 'shell',
          reason: 'INC-4211',
        },
      });
      const allow = ['uptime', 'df -h', 'tail -n {int} /var/log/app.log'];
      const cmds = await t.store.grants.add(
        grantFor(ndaB.id, {
          userName: 'bob',
          mode: 'commands',
          allowlist: allow,
          startsAt: T0 + DAY,
          endsAt: T0 + 2 * DAY,
        }),
        MAX,
        T0,
        'root',
      );
      expect((await t.store.grants.get(cmds.id))?.allowlist).toEqual(allow);
      expect((await t.store.grants.list({ activeAt: T0 })).map((g) => g.id)).toEqual([shell.id]);
      expect((await t.store.grants.list({ userName: 'bob' })).map((g) => g.id)).toEqual([cmds.id]);
      expect((await t.store.grants.list({ targetName: 'db1' })).length).toBe(2);

      const revoked = await t.store.grants.revoke(shell.id, 'contract ended', T0 + 1, 'root');
      expect(revoked).toMatchObject({ revokedAt: T0 + 1, revokeReason: 'contract ended' });
      expect(await t.lastAudit()).toMatchObject({
        type: 'grant.revoke',
        payload: { grantId: shell.id, reason: 'contract ended' },
      });
      expect(await t.store.grants.list({ activeAt: T0 + 2 })).toEqual([]);
      await expect(t.store.grants.revoke(shell.id, 'again', T0 + 2, 'root')).rejects.toMatchObject({
        code: 'refused',
      });
    });

    it('records the NDA acknowledgement once', async () => {
      const { ndaA } = await seed(t.store);
      const g = await t.store.grants.add(grantFor(ndaA.id), MAX, T0, 'root');
      expect(
        (await t.store.grants.acknowledgeNda(g.id, T0 + 5, 'user:alice')).ndaAcknowledgedAt,
      ).toBe(T0 + 5);
      expect(await t.lastAudit()).toMatchObject({
        type: 'nda.acknowledge',
        actor: 'user:alice',
        payload: { grantId: g.id, ndaId: ndaA.id, userId: g.userId },
      });
      const before = await t.counts();
      expect(
        (await t.store.grants.acknowledgeNda(g.id, T0 + 9, 'user:alice')).ndaAcknowledgedAt,
      ).toBe(T0 + 5);
      expect(await t.counts()).toEqual(before);
    });

    it.each([
      ['unknown user', { userName: 'carol' }, 'not_found', 'user: no user named "carol"'],
      ['unknown target', { targetName: 'db9' }, 'not_found', 'target: no target named "db9"'],
    ] as const)(
      'refuses a grant for an %s, changing nothing',
      async (_what, over, code, message) => {
        const { ndaA } = await seed(t.store);
        const before = await t.counts();
        await expect(
          t.store.grants.add(grantFor(ndaA.id, over), MAX, T0, 'root'),
        ).rejects.toMatchObject({
          code,
          userMessage: message,
        });
        expect(await t.counts()).toEqual(before);
      },
    );

    it.each([
      ["another user's NDA", 'nda'],
      ['a revoked NDA', 'nda'],
      ['an NDA that expires before the grant ends', 'nda'],
      ['a window longer than the maximum', 'window'],
      ['an unknown NDA', 'nda'],
    ] as const)('refuses a grant with %s (grant rules), changing nothing', async (what, field) => {
      const { ndaA, ndaB } = await seed(t.store);
      let grant = grantFor(ndaA.id);
      if (what === "another user's NDA") grant = grantFor(ndaB.id);
      if (what === 'a revoked NDA') await t.store.ndas.revoke(ndaA.id, 'ended', 'root');
      if (what === 'an NDA that expires before the grant ends')
        grant = grantFor(ndaA.id, { endsAt: T0 + 61 * DAY, startsAt: T0 + 50 * DAY });
      if (what === 'a window longer than the maximum')
        grant = grantFor(ndaA.id, { endsAt: T0 + 31 * DAY });
      if (what === 'an unknown NDA') grant = grantFor(999 as NdaId);
      const before = await t.counts();
      const err = await t.store.grants.add(grant, MAX, T0, 'root').catch((e: unknown) => e);
      expect(err).toMatchObject({
        code: what === 'an unknown NDA' ? expect.stringMatching(/refused|not_found/) : 'refused',
      });
      expect((err as { userMessage: string }).userMessage.startsWith(`${field}`)).toBe(true);
      expect(await t.counts()).toEqual(before);
    });
  });

  describe('sessions', () => {
    const SID = 'f47ac10b-58cc-4372-a567-0e02b2c3d479' as SessionId;

    it('starts, kills and ends a session, each with its audit event', async () => {
      const { ndaA } = await seed(t.store);
      const g = await t.store.grants.add(grantFor(ndaA.id), MAX, T0, 'root');
      const s = await t.store.sessions.start(
        {
          id: SID,
          grantId: g.id,
          userId: g.userId,
          targetId: g.targetId,
          startedAt: T0 + 10,
          recordingPath: 'recordings/x.cast',
        },
        sessionStartEvent({ sessionId: SID, grantId: g.id }),
        'user:alice',
      );
      expect(s).toMatchObject({
        id: SID,
        endedAt: null,
        endReason: null,
        recordingPath: 'recordings/x.cast',
      });
      expect(await t.lastAudit()).toMatchObject({ type: 'session.start', actor: 'user:alice' });
      expect((await t.store.sessions.list({ live: true })).map((x) => x.id)).toEqual([SID]);
      expect(await t.store.sessions.killRequested()).toEqual([]);

      await t.store.sessions.requestKill(SID, T0 + 20, 'root', 'INC-7 contained');
      expect(await t.lastAudit()).toMatchObject({
        type: 'session.kill',
        payload: { sessionId: SID, reason: 'INC-7 contained' },
      });
      expect(await t.store.sessions.killRequested()).toEqual([
        { sessionId: SID, reason: 'INC-7 contained' },
      ]);

      const ended = await t.store.sessions.end(
        SID,
        {
          endedAt: T0 + 30,
          reason: 'killed',
          exitStatus: null,
          bytes: 1234,
          sha256: 'b'.repeat(64),
        },
        sessionEndEvent({ sessionId: SID, grantId: g.id }, 'killed'),
        'system',
      );
      expect(ended).toMatchObject({ endedAt: T0 + 30, endReason: 'killed', bytes: 1234 });
      expect(await t.store.sessions.killRequested()).toEqual([]);
      expect(await t.store.sessions.list({ live: true })).toEqual([]);
      expect((await t.store.sessions.list({ live: false })).map((x) => x.id)).toEqual([SID]);

      const before = await t.counts();
      await expect(
        t.store.sessions.requestKill(SID, T0 + 40, 'root', 'again'),
      ).rejects.toMatchObject({
        code: 'refused',
        userMessage: `session: ${SID} has already ended`,
      });
      await expect(
        t.store.sessions.requestKill(
          '00000000-0000-4000-8000-000000000000' as SessionId,
          T0,
          'root',
          'none',
        ),
      ).rejects.toMatchObject({ code: 'not_found' });
      await expect(
        t.store.sessions.end(
          SID,
          { endedAt: T0 + 50, reason: 'closed', exitStatus: 0, bytes: 0, sha256: null },
          sessionEndEvent({ sessionId: SID, grantId: g.id }),
          'system',
        ),
      ).rejects.toMatchObject({ code: 'refused' });
      expect(await t.counts()).toEqual(before);
    });
  });
});
