import { describe, expect, it } from 'vitest';
import { checkGrantRules, type GrantRequestFacts } from '../../src/core/grant-rules.js';
import type { UserId } from '../../src/core/model.js';
import { DAY_MS, HOUR_MS, T0, nda, target, user } from './core-fixtures.js';

const MAX = 30 * DAY_MS;

/** A valid request: alice, NDA 3 (signed T0−10d, expires T0+365d), db1 pinned, shell, T0 → T0+2h. */
const facts = (o: Partial<GrantRequestFacts> = {}): GrantRequestFacts => ({
  user: user(),
  target: target(),
  nda: nda(),
  startsAt: T0,
  endsAt: T0 + 2 * HOUR_MS,
  mode: 'shell',
  allowlist: [],
  maxDurationMs: MAX,
  now: T0,
  confirmations: [],
  ...o,
});

describe('checkGrantRules', () => {
  it.each<[string, Partial<GrantRequestFacts>]>([
    ['a 2h shell grant', {}],
    ['an allowlist grant', { mode: 'commands', allowlist: ['uptime', 'df -h'] }],
    ['exactly the maximum duration', { endsAt: T0 + MAX }],
    ['NDA signed exactly when the grant starts', { nda: nda({ signedAt: T0 }) }],
    ['NDA expiring exactly when the grant ends', { nda: nda({ expiresAt: T0 + 2 * HOUR_MS }) }],
    ['NDA without an end date', { nda: nda({ expiresAt: null }) }],
    [
      'a window starting in the past and ending 1 ms from now',
      { startsAt: T0 - HOUR_MS, endsAt: T0 + 1 },
    ],
    ['a window starting in the future', { startsAt: T0 + DAY_MS, endsAt: T0 + 2 * DAY_MS }],
    [
      "the target's checklist confirmed",
      {
        target: target({ requires: ['backup verified'] }),
        confirmations: [{ item: 'backup verified', note: 'snap-1', by: 'os:root' }],
      },
    ],
  ])('allows %s', (_label, o) => {
    expect(checkGrantRules(facts(o))).toEqual({ ok: true });
  });

  it.each<[string, Partial<GrantRequestFacts>, string, string]>([
    ['disabled user', { user: user({ disabled: true }) }, 'user', 'user: alice is disabled'],
    ['unknown NDA', { nda: null }, 'nda', 'nda: no such NDA'],
    [
      "another user's NDA",
      { nda: nda({ userId: 2 as UserId }) },
      'nda',
      'nda: NDA 3 belongs to another user, not alice',
    ],
    [
      'revoked NDA',
      { nda: nda({ revokedAt: T0 - DAY_MS }) },
      'nda',
      'nda: NDA 3 was revoked at 2026-11-14T12:00:00Z',
    ],
    [
      'NDA signed 1 ms after the grant starts',
      { nda: nda({ signedAt: T0 + 1 }) },
      'nda',
      'nda: NDA 3 is signed 2026-11-15T12:00:00.001Z, after the grant starts 2026-11-15T12:00:00Z',
    ],
    [
      'NDA expiring 1 ms before the grant ends',
      { nda: nda({ expiresAt: T0 + 2 * HOUR_MS - 1 }) },
      'nda',
      'nda: NDA 3 expires 2026-11-15T13:59:59.999Z, before the grant ends 2026-11-15T14:00:00Z',
    ],
    [
      'NDA already expired',
      { nda: nda({ expiresAt: T0 - DAY_MS }) },
      'nda',
      'nda: NDA 3 expires 2026-11-14T12:00:00Z, before the grant ends 2026-11-15T14:00:00Z',
    ],
    [
      'empty window',
      { endsAt: T0 },
      'window',
      'window: ends 2026-11-15T12:00:00Z, not after it starts 2026-11-15T12:00:00Z (empty window)',
    ],
    [
      'reversed window',
      { endsAt: T0 - 1 },
      'window',
      'window: ends 2026-11-15T11:59:59.999Z, not after',
    ],
    [
      'window ending exactly now',
      { startsAt: T0 - HOUR_MS, endsAt: T0 },
      'window',
      'window: ends 2026-11-15T12:00:00Z, which is in the past',
    ],
    [
      'window 1 ms longer than the maximum',
      { endsAt: T0 + MAX + 1 },
      'window',
      'window: 2026-11-15T12:00:00Z to 2026-12-15T12:00:00.001Z is longer than the maximum of 30d (grants.maxDuration)',
    ],
    [
      'window longer than a 2h maximum',
      { endsAt: T0 + 3 * HOUR_MS, maxDurationMs: 2 * HOUR_MS },
      'window',
      'window: 2026-11-15T12:00:00Z to 2026-11-15T15:00:00Z is longer than the maximum of 2h (grants.maxDuration)',
    ],
    [
      'target without a pinned host key',
      { target: target({ hostKey: null }) },
      'target',
      'target: db1 has no pinned host key; run gatehouse target scan db1 --pin',
    ],
    [
      'shell with an allowlist',
      { mode: 'shell', allowlist: ['uptime'] },
      'mode',
      'mode: give either --shell or --allow, not both',
    ],
    [
      'commands without an allowlist',
      { mode: 'commands', allowlist: [] },
      'mode',
      'mode: give --shell or at least one --allow',
    ],
    [
      'a required checklist item not confirmed',
      { target: target({ requires: ['backup verified'] }) },
      'checklist',
      'checklist: db1 requires confirming "backup verified" before access',
    ],
  ])('refuses %s', (_label, o, field, message) => {
    const r = checkGrantRules(facts(o));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.field).toBe(field);
    expect(r.message.startsWith(message)).toBe(true);
    expect(r.message.startsWith(`${field}: `)).toBe(true);
    expect(r.message).not.toMatch(/[\r\n]/);
  });

  it('reports the first problem in fix order: user, nda, window, target, mode', () => {
    const everythingWrong = facts({
      user: user({ disabled: true }),
      nda: nda({ revokedAt: T0 }),
      endsAt: T0,
      target: target({ hostKey: null }),
      mode: 'commands',
    });
    expect(checkGrantRules(everythingWrong)).toMatchObject({ field: 'user' });
    expect(checkGrantRules({ ...everythingWrong, user: user() })).toMatchObject({ field: 'nda' });
    expect(checkGrantRules({ ...everythingWrong, user: user(), nda: nda() })).toMatchObject({
      field: 'window',
    });
    expect(
      checkGrantRules({ ...everythingWrong, user: user(), nda: nda(), endsAt: T0 + HOUR_MS }),
    ).toMatchObject({ field: 'target' });
    const onlyChecklist = { ...facts(), target: target({ requires: ['rollback plan'] }) };
    expect(checkGrantRules({ ...onlyChecklist, mode: 'commands' })).toMatchObject({
      field: 'mode',
    });
    expect(checkGrantRules(onlyChecklist)).toMatchObject({ field: 'checklist' });
  });
});
