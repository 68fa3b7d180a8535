import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AuditEvent } from '../../src/core/audit-events.js';
import { fixedClock } from '../../src/core/clock.js';
import { AuthRefusals } from '../../src/transport/auth-refusals.js';

const T0 = 1_800_000_000_000;
const silent = pino({ level: 'silent' });

function setUp() {
  const written: { event: AuditEvent; actor: string }[] = [];
  const clock = fixedClock(T0);
  const auditor = {
    record: (event: AuditEvent, actor: string) => {
      written.push({ event, actor });
      return Promise.resolve();
    },
  };
  const refusals = new AuthRefusals({ auditor, clock, logger: silent });
  const refuse = (login: string, remoteAddr = '192.0.2.7'): void =>
    refusals.refused(
      { login, fingerprint: 'SHA256:k', reason: 'user.unknown', remoteAddr },
      silent,
    );
  return { written, clock, refusals, refuse };
}

describe('AuthRefusals', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('writes the first refusals of a source, then one aggregate when the window ends', async () => {
    const { written, clock, refuse } = setUp();
    for (let i = 0; i < 50; i++) refuse(`guess${i}`);
    expect(written.map((w) => w.event.type)).toEqual(Array(10).fill('auth.failure'));
    clock.advance(60_000);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(written).toHaveLength(11);
    expect(written[10]).toMatchObject({
      actor: 'gatehouse',
      event: {
        type: 'auth.failure.aggregate',
        payload: { remoteAddr: '192.0.2.7', count: 40, firstAt: T0, lastAt: T0, moreLogins: true },
      },
    });
  });

  it('counts every address of one IPv6 /64 as one source (one host holds the whole /64)', async () => {
    const { written, refuse, refusals } = setUp();
    for (let i = 1; i <= 50; i++) refuse('root', `2001:db8:1:2::${i.toString(16)}`);
    expect(written.map((w) => w.event.type)).toEqual(Array(10).fill('auth.failure'));
    await refusals.flush();
    expect(written.at(-1)?.event).toMatchObject({
      type: 'auth.failure.aggregate',
      payload: { remoteAddr: '2001:db8:1:2::/64', count: 40 },
    });
  });

  it('writes the windows still open at shutdown', async () => {
    const { written, refuse, refusals } = setUp();
    for (let i = 0; i < 12; i++) refuse('root');
    await refusals.flush();
    expect(written.at(-1)?.event).toMatchObject({
      type: 'auth.failure.aggregate',
      payload: { count: 2, logins: ['root'], moreLogins: false },
    });
  });

  it('logs a bounded line per refusal: info while written one by one, debug once counted', () => {
    const lines: { level: number; msg: string; login: string; raw: string }[] = [];
    const log = pino(
      { level: 'debug' },
      { write: (raw: string) => lines.push({ ...(JSON.parse(raw) as (typeof lines)[0]), raw }) },
    );
    const { refusals } = setUp();
    for (let i = 0; i < 12; i++)
      refusals.refused(
        {
          login: `\u001b]0;x\u0007${'y'.repeat(30_000)}`,
          fingerprint: null,
          reason: 'login.invalid',
          remoteAddr: '192.0.2.7',
        },
        log,
      );
    expect(lines.map((l) => l.level)).toEqual([...Array(10).fill(30), 30 - 10, 30 - 10]);
    for (const l of lines) {
      expect(l.raw.length).toBeLessThan(512);
      expect(l.login).toMatch(/^\\u001b\]0;x\\u0007y+…\(\+29887 chars\)$/);
    }
  });

  it('bounds the login it writes', () => {
    const { written, refuse } = setUp();
    refuse('a'.repeat(30_000));
    expect(written[0]?.event.payload).toMatchObject({ login: `${'a'.repeat(129)}…(+29871 chars)` });
  });
});
