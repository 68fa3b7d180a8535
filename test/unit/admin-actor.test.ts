import { describe, expect, it } from 'vitest';
import { ACCOUNT_NAME, adminActor } from '../../src/core/admin-actor.js';

describe('adminActor', () => {
  it.each([
    [{ account: 'alice', sudoUser: null, claimed: null }, 'os:alice'],
    [{ account: 'gatehouse', sudoUser: 'alice', claimed: null }, 'os:alice via sudo as gatehouse'],
    [{ account: 'root', sudoUser: 'alice', claimed: null }, 'os:alice via sudo as root'],
    [
      { account: 'gatehouse', sudoUser: 'alice', claimed: 'bob' },
      'claimed:bob by os:alice via sudo as gatehouse',
    ],
    [{ account: 'gatehouse', sudoUser: null, claimed: 'bob' }, 'claimed:bob by os:gatehouse'],
  ])('%o → %s', (identity, actor) => {
    expect(adminActor(identity)).toBe(actor);
  });

  it('a claimable name is one word: it cannot imitate an OS identity or another actor', () => {
    for (const bad of [
      'os:alice',
      'alice via sudo as root',
      'user:alice',
      'reviewer:rita',
      '',
      'a'.repeat(65),
    ])
      expect(ACCOUNT_NAME.test(bad), bad).toBe(false);
    for (const good of ['alice', 'svc_ops', 'a.b-c', 'alice@corp'])
      expect(ACCOUNT_NAME.test(good)).toBe(true);
  });
});
