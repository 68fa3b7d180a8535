import { describe, expect, it } from 'vitest';
import {
  listedEntryAllowed,
  NO_TRANSFER,
  normaliseTransferPath,
  pathGlobMatches,
  transferAllowed,
  transferGlobProblem,
  transferRightsProblem,
  type TransferRights,
} from '../../src/core/transfer-rights.js';

const rights = (over: Partial<TransferRights>): TransferRights => ({ ...NO_TRANSFER, ...over });

describe('transferAllowed', () => {
  it('refuses everything without a direction', () => {
    for (const access of ['read', 'write', 'look'] as const)
      expect(transferAllowed(NO_TRANSFER, access, '/tmp/x')).toEqual({
        ok: false,
        why: 'this grant allows no file transfer',
      });
  });

  it.each([
    ['download', 'read', true],
    ['download', 'write', false],
    ['download', 'look', true],
    ['upload', 'read', false],
    ['upload', 'write', true],
    ['upload', 'look', true],
    ['both', 'read', true],
    ['both', 'write', true],
  ] as const)('%s allows %s: %s', (direction, access, ok) => {
    expect(transferAllowed(rights({ direction }), access, '/etc/hosts').ok).toBe(ok);
  });

  it('limits to the paths, and lets a client look at the directories on the way', () => {
    const logs = rights({ direction: 'both', paths: ['/var/log/**', '/srv/*.tar'] });
    expect(transferAllowed(logs, 'read', '/var/log/syslog').ok).toBe(true);
    expect(transferAllowed(logs, 'read', '/var/log/nginx/access.log').ok).toBe(true);
    expect(transferAllowed(logs, 'write', '/srv/patch.tar').ok).toBe(true);
    expect(transferAllowed(logs, 'read', '/etc/shadow')).toEqual({
      ok: false,
      why: '/etc/shadow is outside the paths this grant allows',
    });
    expect(transferAllowed(logs, 'read', '/srv/a/patch.tar').ok).toBe(false);
    expect(transferAllowed(logs, 'look', '/var').ok).toBe(true);
    expect(transferAllowed(logs, 'look', '/').ok).toBe(true);
    expect(transferAllowed(logs, 'read', '/var').ok).toBe(false);
    expect(transferAllowed(logs, 'look', '/var/lib').ok).toBe(false);
  });
});

describe('pathGlobMatches', () => {
  it.each([
    ['/var/log/**', '/var/log', true],
    ['/var/log/**', '/var/log/a/b/c', true],
    ['/var/log/**', '/var/logs/a', false],
    ['/var/*/app.log', '/var/x/app.log', true],
    ['/var/*/app.log', '/var/x/y/app.log', false],
    ['/tmp/file?.txt', '/tmp/file1.txt', true],
    ['/tmp/file?.txt', '/tmp/file12.txt', false],
    ['/a/**/z', '/a/z', true],
    ['/a/**/z', '/a/b/c/z', true],
    ['/a/**/z', '/a/b/c/y', false],
  ])('%s against %s: %s', (glob, path, ok) => {
    expect(pathGlobMatches(glob, path)).toBe(ok);
  });

  it('stays fast on patterns made to backtrack', () => {
    const glob = `/${'*a'.repeat(30)}b`;
    const path = `/${'a'.repeat(200)}`;
    expect(pathGlobMatches(glob, path)).toBe(false);
    const deep = `/${Array.from({ length: 40 }, () => '**').join('/')}/z`;
    expect(pathGlobMatches(deep, `/${Array.from({ length: 200 }, () => 'q').join('/')}`)).toBe(
      false,
    );
  });
});

describe('listedEntryAllowed', () => {
  const logs = rights({ direction: 'download', paths: ['/var/log/**', '/srv/*/out.txt'] });

  it.each([
    ['/', 'var', true],
    ['/', 'etc', false],
    ['/var', 'log', true],
    ['/var', 'lib', false],
    ['/var', '.', true],
    ['/var', '..', true],
    ['/var/log', 'syslog', true],
    ['/var/log/nginx', 'access.log', true],
    ['/srv', 'app', false], // under a wildcard: not on the way, as for any look
    ['/srv/app', 'out.txt', true],
    ['/srv/app', 'secret.txt', false],
    ['/srv/app', '..', true],
    ['/etc', '..', true],
  ])('in %s, %s: %s', (dir, name, shown) => {
    expect(listedEntryAllowed(logs, dir, name)).toBe(shown);
  });

  it('never shows a name with a slash or an empty one (a listing entry is one name)', () => {
    expect(listedEntryAllowed(logs, '/', 'var/../etc')).toBe(false);
    expect(listedEntryAllowed(logs, '/var', '')).toBe(false);
  });

  it('shows everything without path limits', () => {
    const any = rights({ direction: 'both' });
    expect(listedEntryAllowed(any, '/etc', 'shadow')).toBe(true);
    expect(listedEntryAllowed(any, '/etc', 'a/b')).toBe(true);
  });
});

describe('normaliseTransferPath', () => {
  it.each([
    ['/home/alice', 'notes.txt', '/home/alice/notes.txt'],
    ['/home/alice', '../../etc/shadow', '/etc/shadow'],
    ['/home/alice', '/var//log/./syslog', '/var/log/syslog'],
    ['/', '../..', '/'],
    ['/home/alice', '.', '/home/alice'],
  ])('in %s, %s is %s', (cwd, path, out) => {
    expect(normaliseTransferPath(cwd, path)).toBe(out);
  });
});

describe('transferGlobProblem', () => {
  it.each([
    ['var/log/**', 'path limit "var/log/**" is not an absolute path'],
    ['/var/../etc', 'path limit "/var/../etc" holds . or ..'],
    ['/var/\nlog', 'a path limit holds a control character'],
  ])('refuses %j', (glob, problem) => {
    expect(transferGlobProblem(glob)).toBe(problem);
  });
  it('accepts an absolute glob', () => expect(transferGlobProblem('/var/log/**')).toBeNull());
});

describe('transferRightsProblem', () => {
  it('accepts none, and a direction with globs and a budget', () => {
    expect(transferRightsProblem(NO_TRANSFER)).toBeNull();
    expect(
      transferRightsProblem(rights({ direction: 'both', paths: ['/srv/**'], budgetBytes: 1 })),
    ).toBeNull();
  });

  it.each([
    [
      { paths: ['/tmp/**'] },
      'transfer paths and a transfer budget need a transfer direction other than none',
    ],
    [
      { budgetBytes: 5 },
      'transfer paths and a transfer budget need a transfer direction other than none',
    ],
    [{ direction: 'up' as never }, 'transfer "up" is not one of none, download, upload, both'],
    [{ direction: 'upload', paths: ['x/**'] }, 'path limit "x/**" is not an absolute path'],
    [
      { direction: 'upload', budgetBytes: 0 },
      'a transfer budget is a whole number of bytes above zero',
    ],
    [
      { direction: 'upload', budgetBytes: 2.5 },
      'a transfer budget is a whole number of bytes above zero',
    ],
    [
      { direction: 'upload', paths: Array.from({ length: 33 }, (_, i) => `/p${i}`) },
      'at most 32 transfer path limits',
    ],
    [
      { direction: 'upload', paths: ['/srv/\u202Egol.txt'] },
      'a path limit holds an unprintable character (control, bidi or zero-width)',
    ],
    [
      { direction: 'upload', paths: ['/srv/\u009B2J'] },
      'a path limit holds an unprintable character (control, bidi or zero-width)',
    ],
  ] as const)('names the problem of %j', (over, message) => {
    expect(transferRightsProblem(rights(over as Partial<TransferRights>))).toBe(message);
  });
});
