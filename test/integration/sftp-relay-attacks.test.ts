import { createHash } from 'node:crypto';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FX, FXP, OPEN_FLAGS, PacketReader } from '../../src/sftp/sftp-protocol.js';
import {
  request,
  startSftpRelay,
  status,
  str,
  u32,
  type SftpRelayHarness,
} from '../helpers/sftp-relay-harness.js';

/**
 * A contractor with a download-only grant limited to `allowed/**` attacking the relay with
 * packets of their own (what `sftp` would never send). The target's symlinks were made earlier,
 * through a shell.
 */
let harness: SftpRelayHarness | null = null;
afterEach(async () => {
  await harness?.close();
  harness = null;
});

async function contractor() {
  const h = await startSftpRelay({
    rights: (remote) => ({
      direction: 'download',
      paths: [`${remote}/allowed/**`],
      budgetBytes: null,
    }),
  });
  harness = h;
  await mkdir(join(h.remote, 'allowed'));
  await mkdir(join(h.remote, 'secret'));
  await writeFile(join(h.remote, 'allowed', 'ok.txt'), 'fine\n');
  await writeFile(join(h.remote, 'allowed', 'other.txt'), 'other\n');
  await writeFile(join(h.remote, 'secret', 's.txt'), 'do not take\n');
  await writeFile(join(h.remote, 'top.txt'), 'nor this\n');
  await symlink('../secret', join(h.remote, 'allowed', 'escape'));
  return h;
}

const open = (id: number, path: string | Buffer) =>
  request(FXP.OPEN, id, str(path), u32(OPEN_FLAGS.READ), u32(0));
const read = (id: number, handle: Buffer) =>
  request(FXP.READ, id, str(handle), u32(0), u32(0), u32(1024));
const close = (id: number, handle: Buffer) => request(FXP.CLOSE, id, str(handle));
const handleOf = (reply: Buffer): Buffer => {
  expect(reply[4], 'a HANDLE reply').toBe(FXP.HANDLE);
  return new PacketReader(reply, 9).bytes();
};

describe('escaping the path limits', () => {
  it('refuses `..` after a symlink that leads out (the target resolves it from the link)', async () => {
    const h = await contractor();
    const client = await h.raw();

    // Lexically allowed/top.txt; on the target allowed/escape/.. is the folder above secret.
    const reply = await client.send(open(3, 'allowed/escape/../top.txt'));
    client.close();

    expect(status(reply)).toMatchObject({ id: 3, code: FX.PERMISSION_DENIED });
    expect(h.events).toContainEqual(
      expect.objectContaining({
        event: 'refused',
        op: 'open',
        path: join(h.remote, 'allowed/top.txt'),
      }),
    );
  });

  it('refuses a path that is not UTF-8 (what was checked must be what the target opens)', async () => {
    const h = await contractor();
    // A name of one byte 0xff, read as U+FFFD it is a name inside allowed/ the target lacks.
    await symlink('../secret/s.txt', Buffer.from(`${h.remote}/allowed/\xff`, 'latin1'));
    const client = await h.raw();

    const reply = await client.send(
      open(4, Buffer.concat([Buffer.from('allowed/'), Buffer.from([0xff])])),
    );
    client.close();

    expect(status(reply)).toMatchObject({ id: 4, code: FX.BAD_MESSAGE });
  });

  it('refuses listing or looking through a symlink that leads out', async () => {
    const h = await contractor();
    const client = await h.raw();

    const replies = await client.sendAll(
      [
        request(FXP.OPENDIR, 5, str('allowed/escape')),
        request(FXP.STAT, 6, str('allowed/escape/s.txt')),
        request(FXP.STAT, 7, str('allowed/ok.txt')),
      ],
      3,
    );
    client.close();

    expect(status(replies[0]!)).toMatchObject({ id: 5, code: FX.PERMISSION_DENIED });
    expect(status(replies[1]!)).toMatchObject({ id: 6, code: FX.PERMISSION_DENIED });
    expect(replies[2]![4]).toBe(FXP.ATTRS);
  });
});

describe('making the record lie', () => {
  it('a handle is gone once its CLOSE is sent: a read on it cannot take the next file unrecorded', async () => {
    const h = await startSftpRelay({
      rights: () => ({ direction: 'download', paths: [], budgetBytes: null }),
    });
    harness = h;
    await writeFile(join(h.remote, 'first.txt'), 'first\n');
    await writeFile(join(h.remote, 'second.txt'), 'second\n');
    const client = await h.raw();
    const first = handleOf(await client.send(open(1, 'first.txt')));

    // The target reuses the closed handle for second.txt before it sees the READ.
    const replies = await client.sendAll(
      [close(2, first), open(3, 'second.txt'), read(4, first)],
      3,
    );
    // The relay's own refusal may come before the target's replies.
    const [closed, opened, data] = replies.sort((a, b) => a.readUInt32BE(5) - b.readUInt32BE(5));
    expect(status(closed!)).toMatchObject({ id: 2, code: FX.OK });
    expect(status(data!)).toEqual({ id: 4, code: FX.FAILURE, message: 'no such open file' });
    await client.send(close(5, handleOf(opened!)));
    client.close();
    await client.ended;

    expect(h.events.filter((e) => e.event === 'fileMoved')).toEqual([]);
  });

  it('an append lands where the target puts it: the sha256 is of the bytes in that order', async () => {
    const h = await startSftpRelay({
      rights: () => ({ direction: 'both', paths: [], budgetBytes: null }),
    });
    harness = h;
    const client = await h.raw();
    const flags = OPEN_FLAGS.WRITE | OPEN_FLAGS.APPEND | OPEN_FLAGS.CREAT | OPEN_FLAGS.TRUNC;
    const handle = handleOf(
      await client.send(request(FXP.OPEN, 1, str('log'), u32(flags), u32(0))),
    );
    const write = (id: number, offset: number, data: string) =>
      request(FXP.WRITE, id, str(handle), u32(0), u32(offset), str(data));

    // Offsets say HELLOWORLD; with APPEND the target writes them as they come.
    await client.sendAll([write(2, 5, 'WORLD'), write(3, 0, 'HELLO')], 2);
    await client.send(close(4, handle));
    client.close();
    await client.ended;

    const landed = await readFile(join(h.remote, 'log'));
    expect(landed.toString()).toBe('WORLDHELLO');
    expect(h.events).toContainEqual({
      event: 'fileMoved',
      path: join(h.remote, 'log'),
      direction: 'upload',
      bytes: 10,
      sha256: createHash('sha256').update(landed).digest('hex'),
    });
  });
});
