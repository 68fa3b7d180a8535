import { expect, it } from 'vitest';
import type { LoginThrottlePolicy } from '../../src/core/reviewer-login.js';
import { describeEachStore, T0 } from './store-fixtures.js';

const POLICY: LoginThrottlePolicy = {
  perSource: { failures: 3, windowMs: 60_000 },
  perAccount: { failures: 10, windowMs: 60_000 },
};
const TIMEOUTS = { idleMs: 10_000, maxAgeMs: 60_000 };
const TOKEN = 'c'.repeat(64);

describeEachStore('review page logins and audit checkpoints in the store', (t) => {
  it('throttles password attempts per source, audits the first refusal only, and forgets a right one', async () => {
    const attempt = { source: '192.0.2.7', account: 'rita' };
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await t.store.reviewerLogins.reserveAttempt(attempt, T0 + i, POLICY);
      if (!r.ok) throw new Error('refused too early');
      ids.push(r.id);
    }
    expect(await t.store.reviewerLogins.reserveAttempt(attempt, T0 + 10, POLICY)).toEqual({
      ok: false,
      scope: 'source',
      firstRefusal: true,
    });
    expect(await t.store.reviewerLogins.reserveAttempt(attempt, T0 + 11, POLICY)).toMatchObject({
      ok: false,
      firstRefusal: false,
    });
    // A right password releases its attempt: the source may try again.
    await t.store.reviewerLogins.releaseAttempt(ids[0]!);
    expect(await t.store.reviewerLogins.reserveAttempt(attempt, T0 + 12, POLICY)).toMatchObject({
      ok: true,
    });
    // Past the window, the source starts over.
    expect(
      await t.store.reviewerLogins.reserveAttempt(attempt, T0 + 120_000, POLICY),
    ).toMatchObject({ ok: true });
  });

  it('keeps a reviewer session until it idles out, and ends it on logout', async () => {
    const reviewer = await t.store.reviewers.add('rita', null, 'admin');
    const session = {
      tokenSha256: TOKEN,
      reviewer,
      method: 'password' as const,
      remoteAddr: '192.0.2.7',
      replaces: null,
    };
    await t.store.reviewerLogins.startSession(session, T0, TIMEOUTS);
    expect((await t.store.reviewerLogins.findSession(TOKEN, T0 + 5_000, TIMEOUTS))?.name).toBe(
      'rita',
    );
    expect(await t.store.reviewerLogins.findSession(TOKEN, T0 + 16_000, TIMEOUTS)).toBeNull();
    await t.store.reviewerLogins.startSession(session, T0 + 20_000, TIMEOUTS);
    expect((await t.store.reviewerLogins.endSession(TOKEN))?.name).toBe('rita');
    expect(await t.store.reviewerLogins.findSession(TOKEN, T0 + 20_001, TIMEOUTS)).toBeNull();
  });

  it('keeps audit checkpoints, the newest seq latest', async () => {
    expect(await t.store.checkpoints.latest()).toBeNull();
    const at = (seq: number) => ({
      seq,
      hash: String(seq % 10).repeat(64),
      at: T0 + seq,
      keyId: 'SHA256:k',
      signature: 'sig',
    });
    await t.store.checkpoints.add(at(7));
    await t.store.checkpoints.add(at(3));
    expect((await t.store.checkpoints.list()).map((c) => c.seq)).toEqual([3, 7]);
    expect(await t.store.checkpoints.latest()).toEqual(at(7));
  });
});
