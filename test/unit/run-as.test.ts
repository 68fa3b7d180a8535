import { describe, expect, it } from 'vitest';
import { checkRunAsAccount, checkRunAsName, type HostAccount } from '../../src/core/run-as.js';

const account = (over: Partial<HostAccount> = {}): HostAccount => ({
  name: 'psql-runner',
  uid: 1200,
  gid: 1200,
  groups: [1200, 1300],
  home: '/home/psql-runner',
  ...over,
});
const service = { uids: [999], gids: [998] };

describe('checkRunAsName', () => {
  it.each(['nobody', 'gatehouse-runas', '_apt', 'Ops.User1', 'a'.repeat(32)])('accepts %s', (n) =>
    expect(checkRunAsName(n)).toEqual({ ok: true }),
  );
  it.each(['', '-u0', '--reuid=0', '0day', 'a b', 'a:b', 'a'.repeat(33), 'ünï'])(
    'refuses %j in one line naming --run-as',
    (n) => {
      const r = checkRunAsName(n);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.message).toMatch(/^--run-as: .* is not an account name/);
    },
  );
});

describe('checkRunAsAccount', () => {
  it('accepts an unprivileged account outside the service group', () => {
    expect(checkRunAsAccount(account(), service)).toEqual({ ok: true });
  });

  it.each([
    [{ uid: 0 }, 'run-as account psql-runner is root (uid 0); use an unprivileged account'],
    [
      { uid: 999 },
      'run-as account psql-runner (uid 999) is the account gatehouse runs as; use a separate unprivileged account',
    ],
    [{ gid: 0 }, 'run-as account psql-runner is in group 0 (root); use an account outside it'],
    [
      { groups: [1200, 0] },
      'run-as account psql-runner is in group 0 (root); use an account outside it',
    ],
    [
      { gid: 998 },
      "run-as account psql-runner is in group 998 (gatehouse's own group); use an account outside it",
    ],
    [
      { groups: [1200, 998] },
      "run-as account psql-runner is in group 998 (gatehouse's own group); use an account outside it",
    ],
  ])('refuses %j', (over, message) => {
    expect(checkRunAsAccount(account(over), service)).toEqual({ ok: false, message });
  });
});
