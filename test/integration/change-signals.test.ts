/**
 * Issue 17: the store announces what can end live sessions (core/change-signals.ts), and the grant
 * watcher, on the real store through the real AccessGate, re-checks at once and tolerates a slow
 * store without tolerating a revoked grant.
 */
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { storeAccessGate } from '../../src/adapters/store-access-gate.js';
import type { Change } from '../../src/core/change-signals.js';
import { systemClock } from '../../src/core/clock.js';
import type { Grant, SessionId } from '../../src/core/model.js';
import { messages } from '../../src/core/user-messages.js';
import { startGrantWatcher } from '../../src/session/grant-watcher.js';
import {
  LiveSessions,
  type CloseCause,
  type LiveSession,
} from '../../src/session/live-sessions.js';
import type { AccessGate } from '../../src/session/ports.js';
import { sessionStartEvent } from '../helpers/session-events.js';
import { grantFor, key, MAX, seed, T0, useTempStore } from './store-fixtures.js';

const t = useTempStore();

/** A live session's row, as lifecycle open writes it. */
async function sessionRow(grant: Grant, id: string): Promise<SessionId> {
  const sessionId = id as SessionId;
  await t.store.sessions.start(
    {
      id: sessionId,
      grantId: grant.id,
      userId: grant.userId,
      targetId: grant.targetId,
      startedAt: T0,
      recordingPath: null,
    },
    sessionStartEvent({ sessionId, grantId: grant.id }),
    'user:alice',
  );
  return sessionId;
}

describe('the store announces changes that can end sessions', () => {
  it('grant and NDA revoke, user disable, key removal and kill request; nothing else', async () => {
    const { ndaA } = await seed(t.store);
    const heard: Change[] = [];
    t.store.changes.subscribe((c) => heard.push(c));
    const grant = await t.store.grants.add(grantFor(ndaA.id), MAX, T0, 'root');
    const alice = (await t.store.users.findByName('alice'))!;
    await t.store.users.addKey('alice', key(3), 'root');
    await t.store.users.setDisabled('alice', false, 'root');
    expect(heard).toEqual([]);

    const sessionId = await sessionRow(grant, '00000000-0000-4000-8000-000000000017');
    await t.store.sessions.requestKill(sessionId, T0, 'root', 'INC-1');
    await t.store.sessions.requestKill(sessionId, T0, 'root', 'again'); // no change: no signal
    await t.store.users.removeKey('alice', key(3).fingerprint, 'root');
    await t.store.users.setDisabled('alice', true, 'root');
    await t.store.ndas.revoke(ndaA.id, 'contract ended', 'root');
    await t.store.grants.revoke(grant.id, 'contract ended', T0, 'root');
    await expect(t.store.grants.revoke(grant.id, 'twice', T0, 'root')).rejects.toMatchObject({
      code: 'refused',
    });
    expect(heard).toEqual([
      { kind: 'session', id: sessionId },
      { kind: 'user', id: alice.id },
      { kind: 'user', id: alice.id },
      { kind: 'nda', id: ndaA.id },
      { kind: 'grant', id: grant.id },
    ]);
  });
});

/** A live session as the watcher sees it (the ssh side is tested in ssh-enforcement). */
function liveSession(id: string, grant: Grant) {
  const closes: { cause: CloseCause; line: string }[] = [];
  let end = (): void => undefined;
  const session: LiveSession = {
    id: id as SessionId,
    grant,
    userName: 'alice',
    targetName: 'db1',
    fingerprint: key(1).fingerprint,
    warned: new Set(),
    notify: () => undefined,
    terminate: (cause, line) => {
      closes.push({ cause, line });
      end();
    },
    ended: new Promise<void>((res) => (end = res)),
  };
  return { session, closes };
}

/** The real gate with its grant re-checks held for `delayMs` first (a store behind a busy pool). */
function delayedGate(gate: AccessGate, delay: { ms: number }): AccessGate {
  return {
    ...gate,
    loadFacts: async (...args) => {
      await new Promise((res) => setTimeout(res, delay.ms));
      return gate.loadFacts(...args);
    },
  };
}

/** A grant valid now for alice on db1, acknowledged. */
async function grantNow(): Promise<Grant> {
  const { ndaA } = await seed(t.store);
  const now = Date.now();
  const grant = await t.store.grants.add(
    grantFor(ndaA.id, { startsAt: now - 60_000, endsAt: now + 3_600_000 }),
    MAX,
    now - 60_000,
    'root',
  );
  return t.store.grants.acknowledgeNda(grant.id, now, 'root');
}

function watch(live: LiveSessions, gate: AccessGate, intervalMs: number) {
  return startGrantWatcher({
    live,
    gate,
    auditor: { record: () => Promise.resolve() },
    clock: systemClock,
    logger: pino({ level: 'silent' }),
    intervalMs,
  });
}

describe('the grant watcher on the real store', () => {
  it("ends sessions at once on this process's own revoke and kill, with no periodic round", async () => {
    const grant = await grantNow();
    const live = new LiveSessions();
    const killed = liveSession('00000000-0000-4000-8000-00000000000a', grant);
    const revoked = liveSession('00000000-0000-4000-8000-00000000000b', grant);
    live.add(killed.session);
    live.add(revoked.session);
    await sessionRow(grant, killed.session.id);
    const watcher = watch(live, storeAccessGate(t.store), 600_000);
    try {
      await t.store.sessions.requestKill(killed.session.id, Date.now(), 'root', 'INC-2');
      await killed.session.ended;
      expect(killed.closes).toEqual([{ cause: 'killed', line: messages.closedKilled('INC-2') }]);
      expect(revoked.closes).toEqual([]);
      await t.store.grants.revoke(grant.id, 'contract ended', Date.now(), 'root');
      await revoked.session.ended;
      expect(revoked.closes.map((c) => c.cause)).toEqual(['revoked']);
    } finally {
      watcher.stop();
    }
  });

  it('a re-check delayed past 5 s keeps the session; a delayed "revoked" still ends it', async () => {
    const acknowledged = await grantNow();
    const grant = acknowledged;
    const live = new LiveSessions();
    const { session, closes } = liveSession('00000000-0000-4000-8000-00000000005a', acknowledged);
    live.add(session);
    const delay = { ms: 6_500 };
    const watcher = watch(live, delayedGate(storeAccessGate(t.store), delay), 100);
    try {
      await new Promise((res) => setTimeout(res, 7_500));
      expect(closes).toEqual([]);
      delay.ms = 1_500;
      await t.store.grants.revoke(grant.id, 'contract ended', Date.now(), 'root');
      await session.ended;
      expect(closes).toEqual([{ cause: 'revoked', line: messages.closedRevoked(acknowledged) }]);
    } finally {
      watcher.stop();
    }
  }, 20_000);
});
