/**
 * The relay's side of recordings.keepTransfers, with the real `sftp` client and `sftp-server`
 * (test/helpers/sftp-relay-harness.ts): copies written while the bytes move, the relay held while
 * they are behind, and a strict keeper refusing files it cannot keep.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { keptFolderOf, TransferKeeper } from '../../src/recording/kept-transfers.js';
import type { FileCopies, FileCopy } from '../../src/sftp/sftp-ports.js';
import { startSftpRelay, type SftpRelayHarness } from '../helpers/sftp-relay-harness.js';
import { tempDir } from '../helpers/tmp.js';

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');
const BIG = { maxFileBytes: 64 << 20, maxSessionBytes: 64 << 20 };

let harness: SftpRelayHarness | null = null;
afterEach(async () => {
  await harness?.close();
  harness = null;
});

const start = async (copies: FileCopies) => {
  harness = await startSftpRelay({
    rights: () => ({ direction: 'both', paths: [], budgetBytes: null }),
    copies,
  });
  return harness;
};

/** Where a recording would be: the keeper puts its copies beside it. */
const castPath = async (): Promise<string> =>
  join(await tempDir('gatehouse-kept-relay-'), '00000000-0000-4000-8000-000000000000.cast');

describe('kept copies through the relay', () => {
  it('copies get and put byte for byte while the relay waits for a small copy queue', async () => {
    const cast = await castPath();
    // A 64 KiB queue bound: the relay is held many times over a few MiB.
    const keeper = new TransferKeeper({
      castPath: cast,
      settings: BIG,
      strict: true,
      maxQueuedBytes: 64 * 1024,
    });
    let held = 0;
    const h = await start({
      open: (path, direction) => keeper.open(path, direction),
      behind: () => {
        const behind = keeper.behind();
        if (behind) held += 1;
        return behind;
      },
      onDrain: (listener) => keeper.onDrain(listener),
    });
    const down = randomBytes(3 * 1024 * 1024 + 17);
    const up = randomBytes(1024 * 1024 + 5);
    await writeFile(join(h.remote, 'down.bin'), down);
    await writeFile(join(h.local, 'up.bin'), up);
    const run = await h.sftp(['get down.bin', 'put up.bin']);
    expect(run.code, run.output).toBe(0);
    expect(held).toBeGreaterThan(0);
    const { entries } = await keeper.close();
    expect(entries.map((e) => [e.direction, e.kept, e.file, e.keptSha256])).toEqual([
      ['download', 'whole', '000001', sha256(down)],
      ['upload', 'whole', '000002', sha256(up)],
    ]);
    // Hashes, not toEqual: a deep comparison of MiBs takes vitest seconds.
    expect(sha256(await readFile(join(keptFolderOf(cast), '000001')))).toBe(sha256(down));
    expect(sha256(await readFile(join(keptFolderOf(cast), '000002')))).toBe(sha256(up));
  });

  it('strict: a file whose copy cannot be made is refused at its open, and nothing moves', async () => {
    const cast = await castPath();
    await writeFile(keptFolderOf(cast), 'in the way');
    const h = await start(new TransferKeeper({ castPath: cast, settings: BIG, strict: true }));
    await writeFile(join(h.remote, 'secret.bin'), randomBytes(10_000));
    const run = await h.sftp(['get secret.bin']);
    expect(run.code).toBe(1);
    expect(run.output).toContain('Permission denied');
    expect(existsSync(join(h.local, 'secret.bin'))).toBe(false);
    expect(h.events).toEqual([
      {
        event: 'refused',
        op: 'open',
        path: join(h.remote, 'secret.bin'),
        why: 'files cannot be kept now (EEXIST); a strict bastion moves none it cannot keep',
      },
    ]);
  });

  it('strict: once a copy fails mid-file, the rest of that file is refused (its reads in flight too)', async () => {
    // A copy that fails after its first bytes, as a disk that fills up would.
    let failed = false;
    const copy: FileCopy = {
      write: () => {
        failed = true;
      },
      stop: () => undefined,
      refusal: () => (failed ? 'the copy failed' : null),
      end: () => undefined,
    };
    const h = await start({
      open: () => Promise.resolve(copy),
      behind: () => false,
      onDrain: () => undefined,
    });
    const data = randomBytes(4 * 1024 * 1024);
    await writeFile(join(h.remote, 'big.bin'), data);
    const run = await h.sftp(['get big.bin']);
    expect(run.code).toBe(1);
    const got = existsSync(join(h.local, 'big.bin'))
      ? (await stat(join(h.local, 'big.bin'))).size
      : 0;
    expect(got).toBeLessThan(data.length);
    expect(h.events).toContainEqual(
      expect.objectContaining({ event: 'refused', op: 'read', why: 'the copy failed' }),
    );
  });
});
