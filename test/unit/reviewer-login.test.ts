import { describe, expect, it } from 'vitest';
import {
  LOGIN_THROTTLE,
  loginSource,
  throttledBy,
  throttleHorizonMs,
} from '../../src/core/reviewer-login.js';

describe('throttledBy', () => {
  const policy = {
    perSource: { failures: 5, windowMs: 900_000 },
    perAccount: { failures: 10, windowMs: 300_000 },
  };
  it.each([
    [{ source: 0, account: 0 }, null],
    [{ source: 4, account: 9 }, null],
    [{ source: 5, account: 0 }, 'source'],
    [{ source: 5, account: 10 }, 'source'],
    [{ source: 0, account: 10 }, 'account'],
    [{ source: 4, account: null }, null],
    [{ source: 5, account: null }, 'source'],
  ] as const)('%o → %s', (recent, scope) => {
    expect(throttledBy(recent, policy)).toBe(scope);
  });

  it('holds a source to fewer failures, for longer, than an account', () => {
    const { perSource, perAccount } = LOGIN_THROTTLE;
    expect(perSource.failures).toBeLessThan(perAccount.failures);
    expect(perSource.windowMs).toBeGreaterThan(perAccount.windowMs);
    expect(throttleHorizonMs(LOGIN_THROTTLE)).toBe(perSource.windowMs);
  });
});

describe('loginSource', () => {
  it.each([
    ['192.0.2.7', '192.0.2.7'],
    ['::ffff:192.0.2.7', '192.0.2.7'],
    ['::FFFF:127.0.0.1', '127.0.0.1'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2:aaaa::1', '2001:db8:1:2::/64'],
    ['2001:DB8:0001:0002::', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    [undefined, 'unknown'],
    ['', 'unknown'],
  ])('%s → %s', (addr, source) => {
    expect(loginSource(addr)).toBe(source);
  });
});
