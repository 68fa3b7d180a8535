import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { TransferRights } from '../../src/core/transfer-rights.js';
import type { SftpChange } from '../../src/sftp/sftp-ports.js';
import { FX, FXP, OPEN_FLAGS } from '../../src/sftp/sftp-protocol.js';
import {
  names,
  request,
  startSftpRelay,
  status,
  str,
  u32,
  type SftpRelayHarness,
} from '../helpers/sftp-relay-harness.js';

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');
const rights =
  (over: Partial<TransferRights>, within: readonly string[] = []) =>
  (remote: string): TransferRights => ({
    direction: 'both',
    paths: within.map((glob) => `${remote}/${glob}`),
    budgetBytes: null,
    ...over,
  });

let harness: SftpRelayHarness | null = null;
afterEach(async () => {
  await harness?.close();
  harness = null;
});

async function start(
  over: Partial<TransferRights>,
  more: { within?: readonly string[]; recordChange?: (change: SftpChange) => boolean } = {},
) {
  harness = await startSftpRelay({
    rights: rights(over, more.within),
    ...(more.recordChange ? { recordChange: more.recordChange } : {}),
  });
  return harness;
}

describe('sftp through the relay to a real sftp-server', () => {
  it('gets and puts files, each reported with the sha256 of its bytes', async () => {
    const h = await start({});
    const down = randomBytes(3 * 1024 * 1024 + 17);
    const up = randomBytes(1024 * 1024 + 5);
    await writeFile(join(h.remote, 'down.bin'), down);
    await writeFile(join(h.local, 'up.bin'), up);

    const run = await h.sftp(['get down.bin', 'put up.bin']);

    expect(run.code, run.output).toBe(0);
    expect(sha256(await readFile(join(h.local, 'down.bin')))).toBe(sha256(down));
    expect(sha256(await readFile(join(h.remote, 'up.bin')))).toBe(sha256(up));
    const moved = h.events.filter((e) => e.event === 'fileMoved');
    expect(moved).toContainEqual({
      event: 'fileMoved',
      path: join(h.remote, 'down.bin'),
      direction: 'download',
      bytes: down.length,
      sha256: sha256(down),
    });
    expect(moved).toContainEqual({
      event: 'fileMoved',
      path: join(h.remote, 'up.bin'),
      direction: 'upload',
      bytes: up.length,
      sha256: sha256(up),
    });
  });
});

describe('refusals: the user gets permission denied and the target is never asked', () => {
  it('a download-only grant refuses put: sftp says so, exits non-zero, no file appears', async () => {
    const h = await start({ direction: 'download' });
    await writeFile(join(h.local, 'patch.diff'), 'diff\n');

    const run = await h.sftp(['put patch.diff']);

    expect(run.code).not.toBe(0);
    expect(run.output).toContain('Permission denied');
    expect(existsSync(join(h.remote, 'patch.diff'))).toBe(false);
    expect(h.events).toContainEqual({
      event: 'refused',
      op: 'open',
      path: join(h.remote, 'patch.diff'),
      why: 'this grant allows downloads only',
    });
  });

  it('an upload-only grant refuses get', async () => {
    const h = await start({ direction: 'upload' });
    await writeFile(join(h.remote, 'app.log'), 'secret log\n');

    const run = await h.sftp(['get app.log']);

    expect(run.code).not.toBe(0);
    expect(run.output).toContain('Permission denied');
    expect(existsSync(join(h.local, 'app.log'))).toBe(false);
    expect(h.events).toContainEqual({
      event: 'refused',
      op: 'open',
      path: join(h.remote, 'app.log'),
      why: 'this grant allows uploads only',
    });
  });

  it('tells the client why in the status message', async () => {
    const h = await start({ direction: 'download' });
    const client = await h.raw();

    const reply = await client.send(
      request(FXP.OPEN, 7, str(join(h.remote, 'x')), u32(0x1a), u32(0)),
    );
    client.close();

    expect(status(reply)).toEqual({
      id: 7,
      code: FX.PERMISSION_DENIED,
      message: 'this grant allows downloads only',
    });
    expect(existsSync(join(h.remote, 'x'))).toBe(false);
  });

  it('refuses extensions it does not check and hides them from the version reply', async () => {
    const h = await start({});
    const client = await h.raw();

    const reply = await client.send(request(FXP.EXTENDED, 9, str('copy-data')));
    client.close();

    expect(status(reply)).toMatchObject({ id: 9, code: FX.OP_UNSUPPORTED });
    expect(client.version!.toString('latin1')).toContain('posix-rename@openssh.com');
    expect(client.version!.toString('latin1')).not.toContain('copy-data');
    expect(h.events).toContainEqual({
      event: 'refused',
      op: 'copy-data',
      path: null,
      why: 'copy-data is not supported through gatehouse',
    });
  });
});

describe('path limits', () => {
  async function limited() {
    const h = await start({}, { within: ['allowed/**'] });
    await mkdir(join(h.remote, 'allowed'));
    await mkdir(join(h.remote, 'secret'));
    await writeFile(join(h.remote, 'allowed', 'ok.txt'), 'fine\n');
    await writeFile(join(h.remote, 'secret', 's.txt'), 'do not take\n');
    await writeFile(join(h.remote, 'top.txt'), 'nor this\n');
    await symlink('../secret', join(h.remote, 'allowed', 'escape'));
    return h;
  }

  it('allow what is inside, refuse `..` out of it', async () => {
    const h = await limited();

    const run = await h.sftp(['get allowed/ok.txt', 'get allowed/../top.txt']);

    expect(run.code).not.toBe(0);
    expect(await readFile(join(h.local, 'ok.txt'), 'utf8')).toBe('fine\n');
    expect(existsSync(join(h.local, 'top.txt'))).toBe(false);
    expect(h.events).toContainEqual(
      expect.objectContaining({ event: 'refused', path: join(h.remote, 'top.txt') }),
    );
  });

  it('refuse a symlink inside that leads outside, for a look and for an open', async () => {
    const h = await limited();

    const run = await h.sftp(['-ls allowed/escape/', 'get allowed/escape/s.txt']);
    const client = await h.raw();
    const link = join(h.remote, 'allowed/escape/s.txt');
    const reply = await client.send(request(FXP.OPEN, 3, str(link), u32(OPEN_FLAGS.READ), u32(0)));
    client.close();

    expect(run.code).not.toBe(0);
    expect(run.output).toContain('Permission denied');
    expect(run.output).not.toMatch(/^s\.txt/m);
    expect(existsSync(join(h.local, 's.txt'))).toBe(false);
    const secret = join(h.remote, 'secret');
    expect(h.events).toContainEqual({
      event: 'refused',
      op: 'opendir',
      path: join(h.remote, 'allowed/escape'),
      why: `${join(h.remote, 'allowed/escape')} leads to ${secret}: ${secret} is outside the paths this grant allows`,
    });
    // The link itself may be looked at (sftp's lstat of it passed); through it, nothing.
    expect(h.events.filter((e) => e.event === 'refused').map((e) => e.op)).toEqual([
      'opendir',
      'lstat',
      'open',
    ]);
    expect(status(reply)).toEqual({
      id: 3,
      code: FX.PERMISSION_DENIED,
      message: `${link} leads to ${secret}/s.txt: ${secret}/s.txt is outside the paths this grant allows`,
    });
  });

  it('a REALPATH does not say where a link inside leads outside; inside, and `.`, it answers', async () => {
    const h = await limited();
    const client = await h.raw();
    const link = join(h.remote, 'allowed/escape');
    const secret = join(h.remote, 'secret');

    const [out, inside, start] = await client.sendAll(
      [
        request(FXP.REALPATH, 4, str(link)),
        request(FXP.REALPATH, 5, str(join(h.remote, 'allowed/./ok.txt'))),
        request(FXP.REALPATH, 6, str('.')),
      ],
      3,
    );
    client.close();

    expect(status(out!)).toEqual({
      id: 4,
      code: FX.PERMISSION_DENIED,
      message: `${link} leads to ${secret}: ${secret} is outside the paths this grant allows`,
    });
    expect(names(inside!)).toEqual([join(h.remote, 'allowed/ok.txt')]);
    expect(names(start!)).toHaveLength(1);
    expect(h.events).toContainEqual(
      expect.objectContaining({ event: 'refused', op: 'realpath', path: link }),
    );
  });
});

describe('path limits on listings', () => {
  /** The entries of every NAME reply to READDIRs of `dir` until EOF, as the raw client gets them. */
  async function listAll(h: SftpRelayHarness, dir: string): Promise<string[][]> {
    const client = await h.raw();
    const opened = await client.send(request(FXP.OPENDIR, 1, str(dir)));
    expect(opened[4]).toBe(FXP.HANDLE);
    const handle = opened.subarray(13, 13 + opened.readUInt32BE(9));
    const batches: string[][] = [];
    for (let id = 2; ; id++) {
      const reply = await client.send(request(FXP.READDIR, id, str(handle)));
      if (reply[4] !== FXP.NAME) break;
      batches.push(names(reply));
    }
    client.close();
    return batches;
  }

  it('a folder on the way to an allowed path shows only that way', async () => {
    const h = await start({}, { within: ['allowed/**'] });
    await mkdir(join(h.remote, 'allowed'));
    await mkdir(join(h.remote, 'secret'));
    await writeFile(join(h.remote, 'allowed', 'ok.txt'), 'fine\n');
    await writeFile(join(h.remote, 'top.txt'), 'nor this\n');

    const run = await h.sftp([`ls -a ${h.remote}`, `ls ${h.remote}/allowed`]);

    expect(run.code).toBe(0);
    expect(run.output).toMatch(/\ballowed\b/);
    expect(run.output).toContain('ok.txt');
    expect(run.output).not.toContain('secret');
    expect(run.output).not.toContain('top.txt');
  });

  it('a batch with nothing to show is skipped, not sent empty (an empty one ends the listing)', async () => {
    const h = await start({}, { within: ['allowed/**'] });
    await mkdir(join(h.remote, 'allowed'));
    // OpenSSH's sftp-server answers a READDIR with at most 100 entries: most batches hide all.
    for (let i = 0; i < 350; i++) await writeFile(join(h.remote, `hidden-${i}`), '');

    const batches = await listAll(h, h.remote);

    expect(batches.every((names) => names.length > 0)).toBe(true);
    expect(batches.flat().sort()).toEqual(['.', '..', 'allowed']);
  });

  it('a folder inside the limits lists whole', async () => {
    const h = await start({}, { within: ['allowed/**'] });
    await mkdir(join(h.remote, 'allowed'));
    for (const name of ['a.txt', 'b.txt', 'sub'])
      await writeFile(join(h.remote, 'allowed', name), '');

    const batches = await listAll(h, join(h.remote, 'allowed'));

    expect(batches.flat().sort()).toEqual(['.', '..', 'a.txt', 'b.txt', 'sub']);
  });
});

describe('path limits on changes', () => {
  it('refuse a symlink inside that would point outside, and a rename out', async () => {
    const h = await start({}, { within: ['allowed/**'] });
    await mkdir(join(h.remote, 'allowed'));
    await writeFile(join(h.remote, 'allowed', 'a.txt'), 'a');

    const run = await h.sftp(['-ln -s /etc/passwd allowed/pw', '-rename allowed/a.txt out.txt']);

    expect(run.code, run.output).toBe(0);
    expect(existsSync(join(h.remote, 'allowed', 'pw'))).toBe(false);
    expect(existsSync(join(h.remote, 'allowed', 'a.txt'))).toBe(true);
    expect(h.events).toEqual([
      {
        event: 'refused',
        op: 'symlink',
        path: '/etc/passwd',
        why: '/etc/passwd is outside the paths this grant allows',
      },
      {
        event: 'refused',
        op: 'posix-rename@openssh.com',
        path: join(h.remote, 'out.txt'),
        why: `${join(h.remote, 'out.txt')} is outside the paths this grant allows`,
      },
    ]);
  });
});

describe('changes', () => {
  it('are told to the observer before the target does them', async () => {
    const seen: string[] = [];
    const h = await start(
      {},
      {
        recordChange: (change) => {
          seen.push(`${change.op} ${change.path} existed=${existsSync(change.path)}`);
          return true;
        },
      },
    );
    await writeFile(join(h.remote, 'old.txt'), 'x');
    await writeFile(join(h.remote, 'gone.txt'), 'x');

    const run = await h.sftp(['mkdir newdir', 'rename old.txt new.txt', 'rm gone.txt']);

    expect(run.code, run.output).toBe(0);
    expect(seen).toEqual([
      `mkdir ${join(h.remote, 'newdir')} existed=false`,
      `rename ${join(h.remote, 'old.txt')} existed=true`,
      `remove ${join(h.remote, 'gone.txt')} existed=true`,
    ]);
    expect(h.events.filter((e) => e.event === 'change')).toContainEqual({
      event: 'change',
      op: 'rename',
      path: join(h.remote, 'old.txt'),
      to: join(h.remote, 'new.txt'),
    });
    expect(existsSync(join(h.remote, 'newdir'))).toBe(true);
    expect(existsSync(join(h.remote, 'new.txt'))).toBe(true);
    expect(existsSync(join(h.remote, 'gone.txt'))).toBe(false);
  });

  it('one the observer cannot record is refused and not done', async () => {
    const h = await start({}, { recordChange: () => false });
    await writeFile(join(h.remote, 'keep.txt'), 'x');

    const run = await h.sftp(['-mkdir newdir', 'rm keep.txt']);

    expect(run.code).not.toBe(0);
    expect(existsSync(join(h.remote, 'newdir'))).toBe(false);
    expect(existsSync(join(h.remote, 'keep.txt'))).toBe(true);
    expect(h.events.filter((e) => e.event === 'refused')).toEqual([
      {
        event: 'refused',
        op: 'mkdir',
        path: join(h.remote, 'newdir'),
        why: 'the change could not be recorded',
      },
      {
        event: 'refused',
        op: 'remove',
        path: join(h.remote, 'keep.txt'),
        why: 'the change could not be recorded',
      },
    ]);
  });
});

describe('budgets and partial transfers', () => {
  it('the read past the budget is refused, naming it', async () => {
    const h = await start({ budgetBytes: 100_000 });
    await writeFile(join(h.remote, 'small.bin'), randomBytes(60_000));
    const big = randomBytes(300_000);
    await writeFile(join(h.remote, 'big.bin'), big);

    const run = await h.sftp(['get small.bin', 'get big.bin']);

    expect(run.code).not.toBe(0);
    expect((await readFile(join(h.local, 'small.bin'))).length).toBe(60_000);
    expect(h.events).toContainEqual({
      event: 'refused',
      op: 'read',
      path: join(h.remote, 'big.bin'),
      why: "this grant's transfer budget of 100000 bytes is spent",
    });
    // The budget's last bytes moved as a short read; the client's next read was refused.
    expect(h.events).toContainEqual({
      event: 'fileMoved',
      path: join(h.remote, 'big.bin'),
      direction: 'download',
      bytes: 40_000,
      sha256: sha256(big.subarray(0, 40_000)),
    });
  });

  it('a write past the budget is refused and the upload stops there', async () => {
    const h = await start({ budgetBytes: 50_000 });
    const data = randomBytes(200_000);
    await writeFile(join(h.local, 'up.bin'), data);

    const run = await h.sftp(['put up.bin']);

    expect(run.code).not.toBe(0);
    const landed = await readFile(join(h.remote, 'up.bin'));
    expect(landed.length).toBeLessThanOrEqual(50_000);
    const refused = h.events.filter((e) => e.event === 'refused');
    expect(refused[0]).toEqual({
      event: 'refused',
      op: 'write',
      path: join(h.remote, 'up.bin'),
      why: "this grant's transfer budget of 50000 bytes is spent",
    });
    const moved = h.events.find((e) => e.event === 'fileMoved');
    expect(moved && 'bytes' in moved ? moved.bytes : -1).toBe(landed.length);
  });

  it('put -p sets the file mode as a recorded change; empty files have the empty sha256', async () => {
    const h = await start({});
    await writeFile(join(h.local, 'empty'), '');
    await writeFile(join(h.remote, 'nothing'), '');

    const run = await h.sftp(['put -p empty', 'get nothing']);

    expect(run.code, run.output).toBe(0);
    const empty = sha256(Buffer.alloc(0));
    expect(h.events).toContainEqual({
      event: 'change',
      op: 'setstat',
      path: join(h.remote, 'empty'),
      to: null,
    });
    expect(h.events).toContainEqual({
      event: 'fileMoved',
      path: join(h.remote, 'empty'),
      direction: 'upload',
      bytes: 0,
      sha256: empty,
    });
    expect(h.events).toContainEqual({
      event: 'fileMoved',
      path: join(h.remote, 'nothing'),
      direction: 'download',
      bytes: 0,
      sha256: empty,
    });
  });

  it('a resumed download is reported with the bytes that moved and no sha256', async () => {
    const h = await start({});
    const data = randomBytes(200_000);
    await writeFile(join(h.remote, 'part.bin'), data);
    await writeFile(join(h.local, 'part.bin'), data.subarray(0, 120_000));

    const run = await h.sftp(['reget part.bin']);

    expect(run.code, run.output).toBe(0);
    expect(sha256(await readFile(join(h.local, 'part.bin')))).toBe(sha256(data));
    expect(h.events).toContainEqual({
      event: 'fileMoved',
      path: join(h.remote, 'part.bin'),
      direction: 'download',
      bytes: 80_000,
      sha256: null,
    });
  });
});

describe('bounds', () => {
  it('answers every request of a client that sends far more than the 1024 allowed in flight', async () => {
    const h = await start({});
    const client = await h.raw();
    const stats = Array.from({ length: 3000 }, (_, id) => request(FXP.STAT, id, str('.')));

    const replies = await client.sendAll(stats, 3000);
    client.close();

    expect(replies.map((r) => r.readUInt32BE(5))).toEqual(stats.map((_, id) => id));
    expect(replies.every((r) => r[4] === FXP.ATTRS)).toBe(true);
  });

  it('ends the subsystem on a packet longer than OpenSSH allows', async () => {
    const h = await start({});
    const client = await h.raw();

    client.write(u32(1024 * 1024));
    client.write(Buffer.alloc(64 * 1024));

    await client.ended;
    expect(h.events).toEqual([]);
  });
});
