import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AccessFacts } from '../../src/core/access-policy.js';
import type { AuditEvent } from '../../src/core/audit-events.js';
import { fixedClock } from '../../src/core/clock.js';
import type { EpochMs, Grant, SessionId } from '../../src/core/model.js';
import type { KillRequest } from '../../src/core/ports.js';
import { ChangeBus } from '../../src/core/change-signals.js';
import { startGrantWatcher } from '../../src/session/grant-watcher.js';
import {
  LiveSessions,
  type CloseCause,
  type LiveSession,
} from '../../src/session/live-sessions.js';
import { messages } from '../../src/core/user-messages.js';
import type { AccessGate } from '../../src/session/ports.js';
import { settle } from '../helpers/fake-channel.js';
import { FINGERPRINT, grant, nda, T0, target, user, userKey } from './core-fixtures.js';

const MINUTE = 60_000;
const TICK_MS = 500;

/**
 * The store as the watcher sees it: only the three calls it makes. Facts are built from the
 * core fixtures; a case changes what it is about.
 */
class FakeGate {
  facts: AccessFacts;
  /** 'fail': every call rejects; 'hang': every call never answers. */
  store: 'ok' | 'fail' | 'hang' = 'ok';
  /** Set: every call answers only when the test calls `answerSlowCalls` (a busy store). */
  slow: (() => void)[] | null = null;
  /** Announced changes; `crossProcess` as a feed from every node would have it. */
  readonly changes: ChangeBus & { crossProcess: boolean } = Object.assign(new ChangeBus(), {
    crossProcess: false,
  });
  kills: KillRequest[] = [];
  readonly audits: { event: AuditEvent; actor: string }[] = [];
  auditFails = false;
  loads = 0;

  constructor(g: Grant) {
    this.facts = {
      user: user(),
      keyFingerprint: FINGERPRINT,
      userKeys: [userKey()],
      target: target(),
      grants: [g],
      ndas: [nda()],
    };
  }

  private answer<T>(value: () => T): Promise<T> {
    if (this.store === 'fail') return Promise.reject(new Error('database is locked'));
    if (this.store === 'hang') return new Promise<T>(() => undefined);
    const slow = this.slow;
    if (slow !== null) return new Promise<T>((res) => slow.push(() => res(value())));
    return Promise.resolve(value());
  }

  /** Answers every call waiting, and those they lead to, from the facts as they are now. */
  async answerSlowCalls(): Promise<void> {
    while ((this.slow?.length ?? 0) > 0) {
      for (const answer of this.slow?.splice(0) ?? []) answer();
      await settle();
    }
  }

  loadFacts(userName: string, targetName: string, fingerprint: string): Promise<AccessFacts> {
    this.loads += 1;
    return this.answer(() => ({
      ...this.facts,
      keyFingerprint: fingerprint,
      user: userName === 'alice' ? this.facts.user : null,
      target: targetName === 'db1' ? this.facts.target : null,
    }));
  }

  killRequested(): Promise<KillRequest[]> {
    return this.answer(() => this.kills.splice(0));
  }

  recordAudit(event: AuditEvent, actor: string): Promise<void> {
    this.audits.push({ event, actor });
    return this.auditFails ? Promise.reject(new Error('audit write failed')) : Promise.resolve();
  }

  /** Changes the (only) grant as an admin would. */
  changeGrant(o: Partial<Grant>): void {
    this.facts = { ...this.facts, grants: this.facts.grants.map((g) => ({ ...g, ...o })) };
  }
}

class FakeSession implements LiveSession {
  readonly userName = 'alice';
  readonly targetName = 'db1';
  readonly warned = new Set<number>();
  readonly notices: string[] = [];
  readonly closes: { cause: CloseCause; line: string }[] = [];
  readonly ended: Promise<void>;
  private end: () => void = () => undefined;

  constructor(
    readonly id: SessionId,
    readonly grant: Grant,
    readonly fingerprint: string = FINGERPRINT,
  ) {
    this.ended = new Promise<void>((res) => {
      this.end = res;
    });
  }

  notify(line: string): void {
    this.notices.push(line);
  }

  /** Like the real session: the channel closes and the session leaves the live set. */
  terminate(cause: CloseCause, line: string): void {
    this.closes.push({ cause, line });
    this.end();
  }
}

/** The one place the watcher is built: a fixed clock at T0, the fake gate, the live sessions. */
function watcher(o: { grant?: Partial<Grant>; sessions?: number; crossProcess?: boolean } = {}) {
  const g = grant(o.grant);
  const clock = fixedClock(T0);
  const gate = new FakeGate(g);
  gate.changes.crossProcess = o.crossProcess ?? false;
  const live = new LiveSessions();
  const sessions = Array.from(
    { length: o.sessions ?? 1 },
    (_, i) => new FakeSession(`s${i + 1}` as SessionId, g),
  );
  for (const s of sessions) live.add(s);
  const w = startGrantWatcher({
    live,
    gate: gate as unknown as AccessGate,
    // A session.warning write that fails is logged, never thrown (core/auditor.ts).
    auditor: { record: (event, actor) => gate.recordAudit(event, actor).catch(() => undefined) },
    clock,
    logger: pino({ level: 'silent' }),
    intervalMs: TICK_MS,
  });
  /** One interval: the clock moves to `at` (default: on by one interval) and the tick runs. */
  const tick = async (at?: EpochMs): Promise<void> => {
    clock.set(at ?? clock.now() + TICK_MS);
    await vi.advanceTimersByTimeAsync(TICK_MS);
    await settle();
  };
  return { g, clock, gate, live, sessions, s1: sessions[0]!, tick, stop: () => w.stop() };
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('startGrantWatcher: expiry', () => {
  it.each([{ store: 'ok' as const }, { store: 'fail' as const }])(
    'closes a session at the end of its grant (store: $store), not a millisecond before',
    async ({ store }) => {
      const { g, gate, s1, tick } = watcher({ grant: { endsAt: T0 + 2000 } });
      gate.store = store;
      await tick(T0 + 1999);
      expect(s1.closes).toEqual([]);
      await tick(T0 + 2000);
      expect(s1.closes).toEqual([{ cause: 'expired', line: messages.closedExpired(g) }]);
    },
  );

  // A store that stops answering must not stop expiry enforcement, which needs no store.
  it('closes a session at the end of its grant while the store does not answer', async () => {
    const { g, gate, s1, tick } = watcher({ grant: { endsAt: T0 + 2000 } });
    await tick(T0 + 500);
    gate.store = 'hang';
    await tick(T0 + 1000);
    await tick(T0 + 2000);
    await tick(T0 + 2500);
    expect(s1.closes).toEqual([{ cause: 'expired', line: messages.closedExpired(g) }]);
  });
});

describe('startGrantWatcher: re-check against the store', () => {
  it.each([
    {
      name: 'the grant is revoked',
      change: (gate: FakeGate) => gate.changeGrant({ revokedAt: T0 }),
      cause: 'revoked',
    },
    {
      name: 'the NDA is revoked',
      change: (gate: FakeGate) => (gate.facts = { ...gate.facts, ndas: [nda({ revokedAt: T0 })] }),
      cause: 'revoked',
    },
    {
      name: 'the key is removed',
      change: (gate: FakeGate) => (gate.facts = { ...gate.facts, userKeys: [] }),
      cause: 'revoked',
    },
    {
      name: 'the user is disabled',
      change: (gate: FakeGate) => (gate.facts = { ...gate.facts, user: user({ disabled: true }) }),
      cause: 'revoked',
    },
    {
      name: 'the grant is shortened to now',
      change: (gate: FakeGate) => gate.changeGrant({ endsAt: T0 + 500 }),
      cause: 'expired',
    },
  ] as const)('closes every session of the grant when $name', async ({ change, cause }) => {
    const { g, gate, sessions, tick } = watcher({ sessions: 2 });
    await tick();
    const loadsPerTick = gate.loads;
    expect(sessions.every((s) => s.closes.length === 0)).toBe(true);
    change(gate);
    await tick();
    const line = cause === 'expired' ? messages.closedExpired(g) : messages.closedRevoked(g);
    for (const s of sessions) expect(s.closes).toEqual([{ cause, line }]);
    // The two sessions share one grant and key: one store read per tick.
    expect(loadsPerTick).toBe(1);
  });

  it('re-checks only the grant the session runs under', async () => {
    const { g, gate, s1, tick } = watcher();
    // Another valid grant for the same user and target does not keep a revoked one alive.
    const other = grant({ id: 8 as Grant['id'], endsAt: T0 + 10 * MINUTE });
    gate.facts = { ...gate.facts, grants: [{ ...g, revokedAt: T0 }, other] };
    await tick();
    expect(s1.closes.map((c) => c.cause)).toEqual(['revoked']);
  });

  it('ends the sessions an admin asked to kill, and no others, with the reason', async () => {
    const { gate, sessions, tick } = watcher({ sessions: 2 });
    gate.kills = [
      { sessionId: 's2' as SessionId, reason: 'INC-7 contained' },
      { sessionId: 'gone' as SessionId, reason: null },
    ];
    await tick();
    expect(sessions[0]!.closes).toEqual([]);
    expect(sessions[1]!.closes).toEqual([
      {
        cause: 'killed',
        line: 'gatehouse: session ended by an administrator: "INC-7 contained"',
      },
    ]);
  });

  it('still re-checks grants when reading kill requests fails', async () => {
    const { gate, s1, tick } = watcher();
    gate.killRequested = () => Promise.reject(new Error('no such table'));
    gate.changeGrant({ revokedAt: T0 });
    await tick();
    expect(s1.closes.map((c) => c.cause)).toEqual(['revoked']);
  });

  it('stops checking after stop()', async () => {
    const { gate, s1, tick, stop } = watcher();
    await tick();
    stop();
    gate.changeGrant({ revokedAt: T0 });
    await tick();
    await tick();
    expect(s1.closes).toEqual([]);
  });
});

describe('startGrantWatcher: woken by a change', () => {
  it.each([
    {
      kind: 'grant' as const,
      id: 7,
      change: (gate: FakeGate) => gate.changeGrant({ revokedAt: T0 }),
    },
    {
      kind: 'nda' as const,
      id: 3,
      change: (gate: FakeGate) => (gate.facts = { ...gate.facts, ndas: [nda({ revokedAt: T0 })] }),
    },
    {
      kind: 'user' as const,
      id: 1,
      change: (gate: FakeGate) => (gate.facts = { ...gate.facts, user: user({ disabled: true }) }),
    },
  ])('re-checks at once when a $kind it relies on changes, not at the next round', async (c) => {
    const { g, gate, s1, tick } = watcher({ crossProcess: true });
    await tick();
    const loads = gate.loads;
    c.change(gate);
    gate.changes.publish({
      kind: c.kind,
      id: c.kind === 'grant' ? g.id : c.kind === 'nda' ? g.ndaId : g.userId,
    });
    await settle();
    expect(gate.loads).toBe(loads + 1);
    expect(s1.closes.map((x) => x.cause)).toEqual(['revoked']);
  });

  it('a kill request for its session wakes it; changes about others read nothing', async () => {
    const { g, gate, sessions, tick } = watcher({ sessions: 2, crossProcess: true });
    await tick();
    const loads = gate.loads;
    gate.changes.publish({ kind: 'grant', id: g.id + 1 });
    gate.changes.publish({ kind: 'user', id: g.userId + 1 });
    gate.changes.publish({ kind: 'session', id: 'other' as SessionId });
    await settle();
    expect(gate.loads).toBe(loads);
    gate.kills = [{ sessionId: 's2' as SessionId, reason: 'INC-7' }];
    gate.changes.publish({ kind: 'session', id: 's2' as SessionId });
    await settle();
    expect(sessions.map((s) => s.closes.map((c) => c.cause))).toEqual([[], ['killed']]);
  });

  it('with a feed of every change, the periodic round runs every second as the fallback', async () => {
    const { gate, s1, tick } = watcher({ crossProcess: true });
    await tick(T0 + 500);
    const loads = gate.loads;
    gate.changeGrant({ revokedAt: T0 }); // made where no signal reaches (a lost NOTIFY)
    await tick(T0 + 1000);
    expect(gate.loads).toBe(loads);
    expect(s1.closes).toEqual([]);
    await tick(T0 + 1500);
    expect(s1.closes.map((c) => c.cause)).toEqual(['revoked']);
  });

  it('a change during a round is re-checked once that round ends', async () => {
    const { gate, s1, tick } = watcher({ crossProcess: true });
    gate.slow = [];
    await tick();
    const answerWaiting = () => gate.slow!.splice(0).forEach((answer) => answer());
    answerWaiting(); // kill requests
    await settle();
    const loads = gate.loads;
    answerWaiting(); // the grant read before the change: the round ends confirming it
    gate.changeGrant({ revokedAt: T0 });
    gate.changes.publish({ kind: 'grant', id: s1.grant.id });
    await settle();
    expect(s1.closes).toEqual([]);
    await gate.answerSlowCalls(); // the round the change asked for
    expect(gate.loads).toBe(loads + 1);
    expect(s1.closes.map((c) => c.cause)).toEqual(['revoked']);
  });

  it('stops listening after stop()', async () => {
    const { g, gate, s1, tick, stop } = watcher({ crossProcess: true });
    await tick();
    stop();
    gate.changeGrant({ revokedAt: T0 });
    gate.changes.publish({ kind: 'grant', id: g.id });
    await settle();
    expect(s1.closes).toEqual([]);
  });
});

describe('startGrantWatcher: a failing store fails closed', () => {
  it.each([
    {
      name: 'failing from the first check',
      okUntil: null,
      closesAt: T0 + 500 + 5000,
      broken: 'fail',
    },
    {
      name: 'failing after a confirmation at +2 s',
      okUntil: T0 + 2000,
      closesAt: T0 + 2000 + 5000,
      broken: 'fail',
    },
  ] as const)(
    '$name: closes with error 5 s after the last confirmation',
    async ({ okUntil, closesAt, broken }) => {
      const { gate, s1, tick, clock } = watcher({ grant: { endsAt: T0 + 60 * MINUTE } });
      gate.store = okUntil === null ? broken : 'ok';
      while (clock.now() < closesAt - TICK_MS) {
        await tick();
        if (okUntil !== null && clock.now() >= okUntil) gate.store = broken;
        expect(s1.closes).toEqual([]);
      }
      await tick();
      expect(clock.now()).toBe(closesAt);
      expect(s1.closes).toEqual([{ cause: 'error', line: messages.closedUncheckable() }]);
    },
  );

  it('not answering after a confirmation at +2 s: closes with error 30 s after it', async () => {
    const { gate, s1, tick, clock } = watcher({ grant: { endsAt: T0 + 60 * MINUTE } });
    await tick(T0 + 2000);
    gate.store = 'hang';
    while (clock.now() < T0 + 2000 + 30_000 - TICK_MS) {
      await tick();
      expect(s1.closes).toEqual([]);
    }
    await tick();
    expect(s1.closes).toEqual([{ cause: 'error', line: messages.closedUncheckable() }]);
  });

  it('a busy store that answers after 8 s keeps the session; a slow "revoked" ends it at once', async () => {
    const { gate, s1, tick } = watcher({ grant: { endsAt: T0 + 60 * MINUTE } });
    await tick(T0 + 500);
    gate.slow = [];
    for (let t = T0 + 1000; t <= T0 + 8500; t += TICK_MS) await tick(t);
    expect(s1.closes).toEqual([]);
    await gate.answerSlowCalls();
    for (let t = T0 + 9000; t <= T0 + 20_000; t += TICK_MS) await tick(t);
    await gate.answerSlowCalls();
    expect(s1.closes).toEqual([]);
    gate.changeGrant({ revokedAt: T0 + 20_000 });
    await tick(T0 + 20_500);
    await gate.answerSlowCalls();
    expect(s1.closes.map((c) => c.cause)).toEqual(['revoked']);
  });

  it('a store that answers again within 5 s resets the count', async () => {
    const { gate, s1, tick } = watcher();
    gate.store = 'fail';
    for (let t = T0 + 500; t <= T0 + 5000; t += TICK_MS) await tick(t);
    gate.store = 'ok';
    await tick(T0 + 5000);
    gate.store = 'fail';
    for (let t = T0 + 5500; t < T0 + 10_000; t += TICK_MS) await tick(t);
    expect(s1.closes).toEqual([]);
    await tick(T0 + 10_000);
    expect(s1.closes.map((c) => c.cause)).toEqual(['error']);
  });
});

describe('startGrantWatcher: expiry warnings', () => {
  it('warns 5 and 1 minutes before the end, once each, and audits each warning', async () => {
    const endsAt = T0 + 10 * MINUTE;
    const { g, s1, gate, tick } = watcher({ grant: { endsAt } });
    await tick(endsAt - 5 * MINUTE - 1);
    expect(s1.notices).toEqual([]);
    await tick(endsAt - 5 * MINUTE);
    await tick(endsAt - 4 * MINUTE);
    await tick(endsAt - MINUTE - 1);
    expect(s1.notices).toEqual([messages.expiryWarning(g, 5 * MINUTE)]);
    await tick(endsAt - MINUTE);
    await tick(endsAt - 30_000);
    expect(s1.notices).toEqual([
      messages.expiryWarning(g, 5 * MINUTE),
      messages.expiryWarning(g, MINUTE),
    ]);
    expect(gate.audits).toEqual([
      {
        actor: 'gatehouse',
        event: {
          type: 'session.warning',
          payload: { sessionId: 's1', grantId: g.id, minutesLeft: 5 },
        },
      },
      {
        actor: 'gatehouse',
        event: {
          type: 'session.warning',
          payload: { sessionId: 's1', grantId: g.id, minutesLeft: 1 },
        },
      },
    ]);
  });

  it('a session that starts 3 minutes before the end gets the 5-minute warning, then the 1-minute one', async () => {
    const endsAt = T0 + 3 * MINUTE;
    const { g, s1, tick } = watcher({ grant: { endsAt } });
    await tick(T0 + 500);
    await tick(endsAt - MINUTE);
    expect(s1.notices).toEqual([
      messages.expiryWarning(g, 3 * MINUTE - 500),
      messages.expiryWarning(g, MINUTE),
    ]);
  });

  it('a session that starts 30 s before the end is warned once', async () => {
    const endsAt = T0 + 30_500;
    const { g, s1, gate, tick } = watcher({ grant: { endsAt } });
    await tick(T0 + 500);
    expect(s1.notices).toEqual([messages.expiryWarning(g, 30_000)]);
    expect(
      gate.audits.map((a) =>
        'minutesLeft' in a.event.payload ? a.event.payload.minutesLeft : null,
      ),
    ).toEqual([1]);
  });

  it('warns even when the warning audit cannot be written', async () => {
    const endsAt = T0 + 4 * MINUTE;
    const { s1, gate, tick } = watcher({ grant: { endsAt } });
    gate.auditFails = true;
    await tick();
    await tick();
    expect(s1.notices).toHaveLength(1);
    expect(s1.closes).toEqual([]);
  });

  it('warns from the grant as the store has it now (an extension moves the warning)', async () => {
    const endsAt = T0 + 4 * MINUTE;
    const { s1, gate, tick } = watcher({ grant: { endsAt } });
    gate.changeGrant({ endsAt: T0 + 60 * MINUTE });
    await tick();
    expect(s1.notices).toEqual([]);
  });
});

describe('startGrantWatcher: logins without a session', () => {
  /** A connection's watch on one of its grants (what ConnectionSessions registers). */
  const login = (g: Grant) => {
    const closes: CloseCause[] = [];
    return {
      closes,
      watched: {
        grant: g,
        userName: 'alice',
        targetName: 'db1',
        fingerprint: FINGERPRINT,
        terminate: (cause: CloseCause) => closes.push(cause),
      },
    };
  };

  it('re-checks a login with no session, with the sessions of its grant, and ends it when revoked', async () => {
    const { g, gate, live, s1, tick } = watcher({ grant: { endsAt: T0 + 4 * MINUTE } });
    const l = login(g);
    live.watchLogin(l.watched);
    await tick();
    // One store read for the session and the login (same grant and key); no warning to a login.
    expect(gate.loads).toBe(1);
    expect(l.closes).toEqual([]);
    expect(s1.notices).toHaveLength(1);
    gate.changeGrant({ revokedAt: T0 });
    await tick();
    expect(l.closes).toEqual(['revoked']);
  });

  it('ends a login at the end of its grant, and not after the watch stopped', async () => {
    const { g, live, tick } = watcher({ sessions: 0, grant: { endsAt: T0 + 2000 } });
    const kept = login(g);
    const dropped = login(g);
    live.watchLogin(kept.watched);
    live.watchLogin(dropped.watched)();
    await tick(T0 + 2000);
    // (The store round may report the expiry again: terminate must be idempotent.)
    expect([...new Set(kept.closes)]).toEqual(['expired']);
    expect(dropped.closes).toEqual([]);
  });
});
