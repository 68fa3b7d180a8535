import { constants } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { recordingFile, type RecordingFile } from '../../src/recording/direct-file.js';
import { DirectWriteWorker } from '../../src/recording/direct-write-worker.js';
import { tempDir } from '../helpers/tmp.js';

const workers: DirectWriteWorker[] = [];
afterAll(() => Promise.all(workers.map((w) => w.stop())));

/** Whether the test folder's file system takes O_DIRECT (ext4 does, tmpfs since Linux 6.6). */
async function takesDirect(dir: string): Promise<boolean> {
  const probe = join(dir, 'probe');
  await (await open(probe, 'w')).close();
  try {
    await (await open(probe, constants.O_WRONLY | constants.O_DIRECT)).close();
    return true;
  } catch {
    return false;
  }
}

/** Bytes distinct per offset and per `seed`, so a block written at the wrong place shows. */
function pattern(size: number, seed: number): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (i * 31 + seed * 7) & 0xff;
  return b;
}

/** `bytes` as two lines, in shared memory (as the slabs hold them) or plain buffers. */
function asParts(bytes: Buffer, shared: boolean): Buffer[] {
  const mid = bytes.length >> 1;
  const place = (b: Buffer): Buffer => {
    if (!shared || b.length === 0) return Buffer.from(b);
    const out = Buffer.from(new SharedArrayBuffer(b.length));
    b.copy(out);
    return out;
  };
  return [place(bytes.subarray(0, mid)), place(bytes.subarray(mid))];
}

interface TestFile {
  readonly path: string;
  readonly rf: RecordingFile;
  readonly worker: DirectWriteWorker;
  /** Closes both descriptors; the file's bytes. */
  readonly done: () => Promise<Buffer>;
}

async function newFile(): Promise<TestFile> {
  const dir = await tempDir('gatehouse-direct-');
  const path = join(dir, 'a.cast');
  const fh = await open(path, 'wx', 0o600);
  const worker = new DirectWriteWorker();
  workers.push(worker);
  const rf = await recordingFile(path, fh, worker);
  expect(rf.direct).toBe(await takesDirect(dir));
  return {
    path,
    rf,
    worker,
    done: async () => {
      await rf.close();
      await fh.close();
      return readFile(path);
    },
  };
}

describe('a recording file written around the page cache', () => {
  it('holds every append byte for byte, each in the file once its write resolves', async () => {
    const { path, rf, done } = await newFile();
    // Under a block, across one, whole blocks, over the worker's 1 MiB buffer.
    const sizes = [1, 59, 4036, 4096, 8192, 3, 70_001, 1 << 20, (1 << 20) + 4095, 2_500_000, 17];
    const written: Buffer[] = [];
    let position = 0;
    for (const [i, size] of sizes.entries()) {
      const bytes = pattern(size, i);
      expect((await rf.file.writev(asParts(bytes, i % 2 === 0), position)).bytesWritten).toBe(size);
      written.push(bytes);
      position += size;
      // What a live viewer or a crash right now would find.
      expect((await readFile(path)).equals(Buffer.concat(written))).toBe(true);
    }
    expect((await done()).equals(Buffer.concat(written))).toBe(true);
  });

  it('keeps the order of two writes on their way at once', async () => {
    const { rf, done } = await newFile();
    const a = pattern(300_001, 1);
    const b = pattern(5_000, 2);
    await Promise.all([
      rf.file.writev(asParts(a, true), 0),
      rf.file.writev(asParts(b, true), a.length),
    ]);
    expect((await done()).equals(Buffer.concat([a, b]))).toBe(true);
  });

  it('writes through the page cache once the worker is gone: the same bytes at the same offsets', async () => {
    const { rf, worker, done } = await newFile();
    const a = pattern(10_000, 1);
    const b = pattern(9_000, 2);
    await rf.file.writev(asParts(a, true), 0);
    await worker.stop();
    await rf.file.writev(asParts(b, true), a.length);
    expect(rf.direct).toBe(false);
    expect((await done()).equals(Buffer.concat([a, b]))).toBe(true);
  });

  it('hands a write the worker cannot place (EINVAL) to the page cache', async () => {
    const { rf, done } = await newFile();
    const a = pattern(6_000, 1);
    const gap = 1_000;
    const b = pattern(2_000, 2);
    await rf.file.writev(asParts(a, false), 0);
    // Not an append: O_DIRECT's carry cannot take it, the page cache can.
    await rf.file.writev(asParts(b, false), a.length + gap);
    expect(rf.direct).toBe(false);
    expect((await done()).equals(Buffer.concat([a, Buffer.alloc(gap), b]))).toBe(true);
  });

  it("reports a write the file refuses as the file's error, and takes nothing after it", async () => {
    const dir = await tempDir('gatehouse-direct-');
    const path = join(dir, 'a.cast');
    await (await open(path, 'wx', 0o600)).close();
    // Read-only: the page cache's part of a write (the bytes after the last whole block) fails.
    const fh = await open(path, 'r');
    const worker = new DirectWriteWorker();
    workers.push(worker);
    const rf = await recordingFile(path, fh, worker);
    if (!(await takesDirect(dir))) return; // no O_DIRECT here: no worker to refuse
    await expect(rf.file.writev([pattern(5_000, 1)], 0)).rejects.toThrow(/EBADF/);
    await expect(rf.file.writev([pattern(3_000, 2)], 5_000)).rejects.toThrow(/EBADF/);
    expect(rf.direct).toBe(true);
    await rf.close();
    await fh.close();
  });
});
