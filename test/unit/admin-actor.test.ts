import { describe, expect, it } from 'vitest';
import {
  ACCOUNT_NAME,
  adminActor,
  adminPerson,
  parseLoginUid,
} from '../../src/core/admin-actor.js';

describe('adminActor', () => {
  const gatehouse = { account: 'gatehouse', claimed: null };
  it.each([
    [{ account: 'alice', loginUser: null, sudoUser: null, claimed: null }, 'os:alice'],
    [{ account: 'alice', loginUser: 'alice', sudoUser: null, claimed: null }, 'os:alice'],
    // The login uid confirms SUDO_USER: the person, via sudo.
    [{ ...gatehouse, loginUser: 'alice', sudoUser: 'alice' }, 'os:alice via sudo as gatehouse'],
    [
      { account: 'root', loginUser: 'alice', sudoUser: 'alice', claimed: null },
      'os:alice via sudo as root',
    ],
    // The login uid alone: su, runuser, or sudo with SUDO_USER removed.
    [{ ...gatehouse, loginUser: 'alice', sudoUser: null }, 'os:alice as gatehouse'],
    // SUDO_USER without a login uid that agrees: only reported.
    [{ ...gatehouse, loginUser: null, sudoUser: 'alice' }, 'os:gatehouse (sudo reports alice)'],
    [
      { ...gatehouse, loginUser: 'gatehouse', sudoUser: 'alice' },
      'os:gatehouse (sudo reports alice)',
    ],
    [
      { ...gatehouse, loginUser: 'carol', sudoUser: 'alice' },
      'os:carol as gatehouse (sudo reports alice)',
    ],
    [
      { account: 'gatehouse', loginUser: 'alice', sudoUser: 'alice', claimed: 'bob' },
      'claimed:bob by os:alice via sudo as gatehouse',
    ],
    [
      { account: 'gatehouse', loginUser: null, sudoUser: 'alice', claimed: 'bob' },
      'claimed:bob by os:gatehouse (sudo reports alice)',
    ],
    [
      { account: 'gatehouse', loginUser: null, sudoUser: null, claimed: 'bob' },
      'claimed:bob by os:gatehouse',
    ],
  ])('%o → %s', (identity, actor) => {
    expect(adminActor(identity)).toBe(actor);
  });

  it('a claimable name is one word: it cannot imitate an OS identity or another actor', () => {
    for (const bad of [
      'os:alice',
      'alice via sudo as root',
      'alice (sudo reports bob)',
      'alice)',
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

describe('adminPerson: who approves, the person the actor names first', () => {
  const gatehouse = { account: 'gatehouse', claimed: null };
  it.each([
    [{ ...gatehouse, loginUser: 'alice', sudoUser: 'alice' }, 'alice'],
    [{ ...gatehouse, loginUser: 'alice', sudoUser: null }, 'alice'],
    // The kernel's login uid wins over a SUDO_USER that disagrees: carol cannot approve as alice.
    [{ ...gatehouse, loginUser: 'carol', sudoUser: 'alice' }, 'carol'],
    // No login uid (a container): SUDO_USER, which the actor shows as reported.
    [{ ...gatehouse, loginUser: null, sudoUser: 'alice' }, 'alice'],
    [{ ...gatehouse, loginUser: null, sudoUser: null }, 'gatehouse'],
    // A claimed --actor is never the approver.
    [{ account: 'gatehouse', loginUser: null, sudoUser: 'alice', claimed: 'bob' }, 'alice'],
    [{ account: 'gatehouse', loginUser: null, sudoUser: null, claimed: 'bob' }, 'gatehouse'],
  ])('%o → %s', (identity, person) => {
    expect(adminPerson(identity)).toBe(person);
  });
});

describe('parseLoginUid', () => {
  it.each([
    ['1000\n', 1000],
    ['0', 0],
    ['4294967294', 4294967294],
    ['4294967295', null], // unset: no login session started this process
    ['-1', null],
    ['', null],
    ['1000 1001', null],
    ['99999999999', null],
  ])('%j → %s', (text, uid) => {
    expect(parseLoginUid(text)).toBe(uid);
  });
});
