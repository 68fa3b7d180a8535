import { describe, expect, it } from 'vitest';
import {
  decideAccess,
  decideKeyOwner,
  type AccessDenialReason,
  type AccessFacts,
} from '../../src/core/access-policy.js';
import type { GrantId, NdaId, TargetId, UserId } from '../../src/core/model.js';
import {
  DAY_MS,
  FINGERPRINT,
  HOUR_MS,
  T0,
  grant,
  nda,
  target,
  user,
  userKey,
} from './core-fixtures.js';

/** Alice, her key, pinned db1, grant 7 (T0−1h → T0+1h, shell) under NDA 3: allowed at T0. */
const facts = (o: Partial<AccessFacts> = {}): AccessFacts => ({
  user: user(),
  keyFingerprint: FINGERPRINT,
  userKeys: [userKey()],
  target: target(),
  grants: [grant()],
  ndas: [nda()],
  ...o,
});
const END = T0 + HOUR_MS;
const START = T0 - HOUR_MS;

describe('decideAccess', () => {
  it('allows a valid grant and returns its permit, grant and NDA', () => {
    expect(decideAccess(facts(), T0)).toEqual({
      ok: true,
      permit: {
        grantId: 7,
        userId: 1,
        targetId: 10,
        ndaId: 3,
        mode: 'shell',
        allowlist: [],
        endsAt: END,
      },
      grant: grant(),
      nda: nda(),
    });
  });

  it.each<[string, Partial<AccessFacts>, number]>([
    ['at the start exactly', {}, START],
    ['1 ms before the end', {}, END - 1],
    ['NDA signed exactly now', { ndas: [nda({ signedAt: T0 })] }, T0],
    ['NDA expiring 1 ms from now', { ndas: [nda({ expiresAt: T0 + 1 })] }, T0],
    ['NDA with no end date', { ndas: [nda({ expiresAt: null })] }, T0],
    [
      'a second key of the user',
      { userKeys: [userKey({ fingerprint: 'SHA256:other' }), userKey({ id: 2 as never })] },
      T0,
    ],
    ['an allowlist grant', { grants: [grant({ mode: 'commands', allowlist: ['uptime'] })] }, T0],
  ])('allows %s', (_label, o, now) => {
    expect(decideAccess(facts(o), now).ok).toBe(true);
  });

  it.each<[string, Partial<AccessFacts>, number, AccessDenialReason]>([
    ['unknown user', { user: null }, T0, 'user.unknown'],
    ['disabled user', { user: user({ disabled: true }) }, T0, 'user.disabled'],
    ['unknown key', { keyFingerprint: 'SHA256:mallory' }, T0, 'key.unknown'],
    ['no keys at all', { userKeys: [] }, T0, 'key.unknown'],
    ["another user's key", { userKeys: [userKey({ userId: 2 as UserId })] }, T0, 'key.unknown'],
    ['empty fingerprint', { keyFingerprint: '' }, T0, 'key.unknown'],
    ['unknown target', { target: null }, T0, 'target.unknown'],
    ['unpinned target', { target: target({ hostKey: null }) }, T0, 'target.unpinned'],
    ['no grants', { grants: [] }, T0, 'grant.none'],
    [
      'grant for another target only',
      { grants: [grant({ targetId: 11 as TargetId })] },
      T0,
      'grant.none',
    ],
    ['grant of another user only', { grants: [grant({ userId: 2 as UserId })] }, T0, 'grant.none'],
    ['1 ms before the start', {}, START - 1, 'grant.not_started'],
    ['exactly at the end', {}, END, 'grant.expired'],
    ['long after the end', {}, END + 365 * DAY_MS, 'grant.expired'],
    ['revoked grant', { grants: [grant({ revokedAt: T0 - 1 })] }, T0, 'grant.revoked'],
    [
      'revoked grant, clock behind the revoker',
      { grants: [grant({ revokedAt: T0 + 1 })] },
      T0,
      'grant.revoked',
    ],
    ['revoked and expired grant', { grants: [grant({ revokedAt: T0 })] }, END, 'grant.revoked'],
    ['NDA missing', { ndas: [] }, T0, 'nda.missing'],
    ['NDA of another user', { ndas: [nda({ userId: 2 as UserId })] }, T0, 'nda.missing'],
    ['NDA with another id', { ndas: [nda({ id: 4 as NdaId })] }, T0, 'nda.missing'],
    ['NDA revoked', { ndas: [nda({ revokedAt: T0 - DAY_MS })] }, T0, 'nda.revoked'],
    [
      'NDA signed 1 ms in the future',
      { ndas: [nda({ signedAt: T0 + 1 })] },
      T0,
      'nda.not_yet_signed',
    ],
    ['NDA expiring exactly now', { ndas: [nda({ expiresAt: T0 })] }, T0, 'nda.expired'],
    ['NDA expired yesterday', { ndas: [nda({ expiresAt: T0 - DAY_MS })] }, T0, 'nda.expired'],
  ])('denies %s', (_label, o, now, reason) => {
    expect(decideAccess(facts(o), now)).toEqual({ ok: false, reason });
  });

  it('checks in order: user, disabled, key, target, pin, grants', () => {
    const all: Partial<AccessFacts> = {
      user: user({ disabled: true }),
      keyFingerprint: 'SHA256:mallory',
      target: null,
      grants: [],
    };
    expect(decideAccess(facts({ ...all, user: null }), T0)).toEqual({
      ok: false,
      reason: 'user.unknown',
    });
    expect(decideAccess(facts(all), T0)).toEqual({ ok: false, reason: 'user.disabled' });
    expect(decideAccess(facts({ ...all, user: user() }), T0)).toEqual({
      ok: false,
      reason: 'key.unknown',
    });
    expect(decideAccess(facts({ ...all, user: user(), keyFingerprint: FINGERPRINT }), T0)).toEqual({
      ok: false,
      reason: 'target.unknown',
    });
    expect(decideAccess(facts({ target: target({ hostKey: null }), grants: [] }), T0)).toEqual({
      ok: false,
      reason: 'target.unpinned',
    });
  });

  describe('several grants', () => {
    const g = (id: number, o: Parameters<typeof grant>[0] = {}) =>
      grant({ id: id as GrantId, ...o });

    it('picks the allowed grant that ends last', () => {
      const grants = [
        g(1, { endsAt: T0 + HOUR_MS }),
        g(2, { endsAt: T0 + 3 * HOUR_MS }),
        g(3, { endsAt: T0 + 2 * HOUR_MS }),
      ];
      const r = decideAccess(facts({ grants }), T0);
      expect(r.ok && r.permit.grantId).toBe(2);
    });

    it('on equal ends, picks the newest (highest id)', () => {
      const r = decideAccess(facts({ grants: [g(5), g(9), g(6)] }), T0);
      expect(r.ok && r.permit.grantId).toBe(9);
    });

    it('ignores denied grants that end later', () => {
      const grants = [
        g(1, { endsAt: T0 + 9 * HOUR_MS, revokedAt: T0 - 1 }),
        g(2, { mode: 'commands', allowlist: ['uptime'] }),
      ];
      const r = decideAccess(facts({ grants }), T0);
      expect(r.ok && r.permit).toMatchObject({
        grantId: 2,
        mode: 'commands',
        allowlist: ['uptime'],
      });
    });

    it('uses each grant its own NDA', () => {
      const grants = [
        g(1, { ndaId: 3 as NdaId, endsAt: T0 + 5 * HOUR_MS }),
        g(2, { ndaId: 4 as NdaId }),
      ];
      const ndas = [nda({ revokedAt: T0 - 1 }), nda({ id: 4 as NdaId })];
      const r = decideAccess(facts({ grants, ndas }), T0);
      expect(r.ok && [r.permit.grantId, r.nda.id]).toEqual([2, 4]);
    });

    it('ignores a matching grant handed in for another user or target (defence in depth)', () => {
      const grants = [
        g(1, { userId: 2 as UserId, endsAt: T0 + 9 * HOUR_MS }),
        g(2, { targetId: 11 as TargetId }),
        g(3),
      ];
      const r = decideAccess(facts({ grants }), T0);
      expect(r.ok && r.permit.grantId).toBe(3);
    });

    // Denial rank: the grant closest to usable tells the admin what to fix.
    it.each<[string, Parameters<typeof grant>[0][], AccessDenialReason]>([
      [
        'NDA problem beats not started',
        [{ ndaId: 4 as NdaId }, { startsAt: T0 + 1 }],
        'nda.missing',
      ],
      [
        'not started beats expired',
        [{ endsAt: T0 }, { startsAt: T0 + DAY_MS, endsAt: T0 + 2 * DAY_MS }],
        'grant.not_started',
      ],
      [
        'expired beats revoked',
        [{ revokedAt: T0 - DAY_MS }, { endsAt: T0 - HOUR_MS }],
        'grant.expired',
      ],
      ['revoked only', [{ revokedAt: T0 - 1 }, { revokedAt: T0 - 2 }], 'grant.revoked'],
      [
        'order of grants does not matter',
        [{ endsAt: T0 - HOUR_MS }, { revokedAt: T0 - DAY_MS }],
        'grant.expired',
      ],
    ])('%s', (_label, overrides, reason) => {
      const grants = overrides.map((o, i) => g(i + 1, o));
      expect(decideAccess(facts({ grants }), T0)).toEqual({ ok: false, reason });
    });

    it('ranks NDA reasons: revoked, expired, not yet signed, missing', () => {
      const grants = [1, 2, 3, 4].map((i) => g(i, { ndaId: i as NdaId }));
      const ndas = [
        nda({ id: 2 as NdaId, signedAt: T0 + 1 }),
        nda({ id: 3 as NdaId, expiresAt: T0 }),
        nda({ id: 4 as NdaId, revokedAt: T0 }),
      ];
      expect(decideAccess(facts({ grants, ndas }), T0)).toEqual({
        ok: false,
        reason: 'nda.revoked',
      });
      expect(decideAccess(facts({ grants: grants.slice(0, 3), ndas }), T0)).toEqual({
        ok: false,
        reason: 'nda.expired',
      });
      expect(decideAccess(facts({ grants: grants.slice(0, 2), ndas }), T0)).toEqual({
        ok: false,
        reason: 'nda.not_yet_signed',
      });
      expect(decideAccess(facts({ grants: grants.slice(0, 1), ndas }), T0)).toEqual({
        ok: false,
        reason: 'nda.missing',
      });
    });
  });
});

describe('decideKeyOwner (an unsigned key probe)', () => {
  const revoked = grant({ revokedAt: T0 - 1 });
  it.each<[string, Partial<AccessFacts>, ReturnType<typeof decideKeyOwner>]>([
    ["the user's key, a live grant", {}, { ok: true }],
    ["the user's key, no grant at all", { grants: [], ndas: [] }, { ok: true }],
    ["the user's key, a revoked grant", { grants: [revoked] }, { ok: true }],
    ["the user's key, an unknown target", { target: null, grants: [] }, { ok: true }],
    ["the user's key, the user disabled", { user: user({ disabled: true }) }, { ok: true }],
    ['an unknown user', { user: null, userKeys: [] }, { ok: false, reason: 'user.unknown' }],
    ['a key not theirs', { keyFingerprint: 'SHA256:other' }, { ok: false, reason: 'key.unknown' }],
  ])('%s', (_name, o, expected) => {
    expect(decideKeyOwner(facts(o))).toEqual(expected);
  });
});
