import { describe, expect, it } from 'vitest';
import type { TransferRights } from '../../src/core/transfer-rights.js';
import { MAX_OPEN_LISTINGS } from '../../src/sftp/folder-listings.js';
import { RequestGate, type Decision } from '../../src/sftp/request-gate.js';
import type { SftpChange } from '../../src/sftp/sftp-ports.js';
import { FX, OPEN_FLAGS } from '../../src/sftp/sftp-protocol.js';
import type { SftpRequest } from '../../src/sftp/sftp-request.js';

/** A gate over a target whose canonical paths are a table (symlinks), else the path itself. */
function gate(over: Partial<TransferRights>, links: Record<string, string> = {}) {
  const changes: SftpChange[] = [];
  const g = new RequestGate(
    {
      rights: { direction: 'both', paths: [], budgetBytes: null, ...over },
      takeBudget: () => Promise.resolve(0),
      observer: {
        change: (c) => {
          changes.push(c);
          return Promise.resolve(true);
        },
        fileMoved: () => {},
        refused: () => {},
      },
    },
    { cwd: () => '/home/alice', canonical: (p) => Promise.resolve(links[p] ?? p) },
  );
  return { g, changes };
}

const decide = (g: RequestGate, req: SftpRequest): Promise<Decision> =>
  Promise.resolve(g.decide(req));
const change = (op: string, path: string, to: string | null = null, linkTo: string | null = null) =>
  ({ kind: 'change', op, change: op, path, to, linkTo }) as SftpRequest;

describe('RequestGate', () => {
  it('resolves relative paths against the starting directory', async () => {
    const { g } = gate({ paths: ['/home/alice/out/**'] });
    expect(await decide(g, { kind: 'look', op: 'stat', path: 'out/a' })).toMatchObject({
      ok: true,
    });
    expect(await decide(g, { kind: 'look', op: 'stat', path: 'out/../../bob/a' })).toMatchObject({
      ok: false,
      path: '/home/bob/a',
      why: '/home/bob/a is outside the paths this grant allows',
    });
  });

  it('with path limits, lists an opened folder through a filter until its CLOSE', async () => {
    const { g } = gate({ paths: ['/var/log/**'] });
    expect(await decide(g, { kind: 'look', op: 'opendir', path: '/var' })).toEqual({
      ok: true,
      pending: { kind: 'opendir', dir: '/var' },
    });
    g.listings.opened('/var', 'h1');
    const readdir: SftpRequest = { kind: 'handle', op: 'readdir', handle: 'h1' };
    expect(await decide(g, readdir)).toEqual({
      ok: true,
      pending: { kind: 'listing', dir: '/var', handle: 'h1' },
    });
    expect([g.listings.shows('/var', 'log'), g.listings.shows('/var', 'lib')]).toEqual([
      true,
      false,
    ]);
    await decide(g, { kind: 'handle', op: 'close', handle: 'h1' });
    expect(await decide(g, readdir)).toEqual({ ok: true, pending: { kind: 'plain' } });
  });

  it('without path limits, a listing passes as it is', async () => {
    const { g } = gate({});
    expect(await decide(g, { kind: 'look', op: 'opendir', path: '/var' })).toEqual({
      ok: true,
      pending: { kind: 'plain' },
    });
  });

  it(`refuses a path-limited session's open folder past ${MAX_OPEN_LISTINGS}`, async () => {
    const { g } = gate({ paths: ['/var/log/**'] });
    for (let i = 0; i < MAX_OPEN_LISTINGS; i++) g.listings.opened('/var', `h${i}`);
    expect(await decide(g, { kind: 'look', op: 'opendir', path: '/var/log' })).toMatchObject({
      ok: false,
      code: FX.FAILURE,
      why: `more than ${MAX_OPEN_LISTINGS} folders open at once`,
    });
    await decide(g, { kind: 'handle', op: 'close', handle: 'h0' });
    expect(await decide(g, { kind: 'look', op: 'opendir', path: '/var/log' })).toMatchObject({
      ok: true,
    });
  });

  it('always lets the client learn where it starts', async () => {
    const { g } = gate({ paths: ['/srv/**'] });
    expect(await decide(g, { kind: 'look', op: 'realpath', path: '.' })).toMatchObject({
      ok: true,
    });
  });

  it('checks an open for reading and writing both', async () => {
    const { g } = gate({ direction: 'download' });
    const flags = OPEN_FLAGS.READ | OPEN_FLAGS.WRITE;
    expect(await decide(g, { kind: 'open', path: 'f', flags })).toMatchObject({
      ok: false,
      code: FX.PERMISSION_DENIED,
      why: 'this grant allows downloads only',
    });
  });

  it('checks both paths of a rename, and a symlink target from the link directory', async () => {
    const { g, changes } = gate({ paths: ['/home/alice/out/**'] });
    expect(await decide(g, change('rename', 'out/a', '/etc/cron.d/a'))).toMatchObject({
      ok: false,
      path: '/etc/cron.d/a',
    });
    expect(await decide(g, change('symlink', 'out/l', null, '../../../etc/shadow'))).toMatchObject({
      ok: false,
      path: '/etc/shadow',
    });
    expect(await decide(g, change('symlink', 'out/l', null, 'sub/x'))).toMatchObject({ ok: true });
    expect(changes).toEqual([
      { op: 'symlink', path: '/home/alice/out/l', to: '/home/alice/out/sub/x' },
    ]);
  });

  it('checks the canonical path of a path-limited change: the folder, or where it leads', async () => {
    const { g, changes } = gate({ paths: ['/home/alice/out/**'] }, { '/home/alice/out/l': '/etc' });
    expect(await decide(g, change('mkdir', 'out/l/x'))).toMatchObject({
      ok: false,
      why: '/home/alice/out/l/x leads to /etc/x: /etc/x is outside the paths this grant allows',
    });
    expect(await decide(g, change('setstat', 'out/l'))).toMatchObject({
      ok: false,
      why: '/home/alice/out/l leads to /etc: /etc is outside the paths this grant allows',
    });
    // Removing the link removes the name inside, not what it leads to.
    expect(await decide(g, change('remove', 'out/l'))).toMatchObject({ ok: true });
    expect(changes).toEqual([{ op: 'remove', path: '/home/alice/out/l', to: null }]);
  });

  it('refuses reads and writes on handles it did not see opened for them', async () => {
    const { g } = gate({});
    expect(await decide(g, { kind: 'read', handle: 'x', offset: 0, length: 10 })).toMatchObject({
      ok: false,
      code: FX.FAILURE,
      why: 'no such open file',
    });
    const opened = await decide(g, { kind: 'open', path: 'f', flags: OPEN_FLAGS.READ });
    if (!opened.ok || opened.pending.kind !== 'open') throw new Error('open refused');
    g.opened(opened.pending.file, 'h1');
    const write = { kind: 'write', handle: 'h1', offset: 0, data: [Buffer.from('x')] } as const;
    expect(await decide(g, write)).toMatchObject({
      ok: false,
      why: '/home/alice/f was not opened for writing',
    });
  });

  it('lets a zero-length read or write through when the budget is spent: nothing moves', async () => {
    const { g } = gate({ budgetBytes: 1024 }); // takeBudget gives nothing: the budget is spent
    const opened = await decide(g, {
      kind: 'open',
      path: 'f',
      flags: OPEN_FLAGS.READ | OPEN_FLAGS.WRITE,
    });
    if (!opened.ok || opened.pending.kind !== 'open') throw new Error('open refused');
    g.opened(opened.pending.file, 'h1');
    expect(await decide(g, { kind: 'read', handle: 'h1', offset: 0, length: 0 })).toMatchObject({
      ok: true,
      pending: { kind: 'read', claimed: 0 },
    });
    expect(g.readAnswered(0, 0)).toBe(0); // the target's answer: no data
    expect(await decide(g, { kind: 'write', handle: 'h1', offset: 0, data: [] })).toMatchObject({
      ok: true,
    });
    expect(await decide(g, { kind: 'read', handle: 'h1', offset: 0, length: 1 })).toMatchObject({
      ok: false,
      why: "this grant's transfer budget of 1024 bytes is spent",
    });
  });
});
