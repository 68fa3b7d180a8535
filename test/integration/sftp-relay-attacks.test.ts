import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FX, FXP, OPEN_FLAGS } from '../../src/sftp/sftp-protocol.js';
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
