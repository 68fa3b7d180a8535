import { createHash } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LineBatchWriter, type BatchFile } from '../../src/recording/line-batch-writer.js';
import { LineSlabs } from '../../src/recording/line-slabs.js';
import { tempDir } from '../helpers/tmp.js';

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * A real file whose writes can be slowed or made to fail one by one (by call number, from 1),
 * so that two batches on their way at once complete out of order.
 */
async function faultyFile(
  path: string,
  plan: Record<number, { delayMs?: number; fail?: boolean }>,
): Promise<{ file: BatchFile; close: () => Promise<void> }> {
  const fh = await open(path, 'w');
  let calls = 0;
  const file: BatchFile = {
    writev: async (buffers, position) => {
      calls += 1;
      const step = plan[calls] ?? {};
      if (step.delayMs !== undefined) await sleep(step.delayMs);
      if (step.fail === true) throw Object.assign(new Error('EIO: i/o error'), { code: 'EIO' });
      return fh.writev(buffers, position);
    },
    truncate: (len) => fh.truncate(len),
    read: fh.read.bind(fh),
  };
  return { file, close: () => fh.close() };
}

const line = (n: number): Buffer => Buffer.from(`[${n},"o","${'x'.repeat(200)}"]\n`);

function writerOn(file: BatchFile, errors: unknown[], slabs?: LineSlabs): LineBatchWriter {
  return new LineBatchWriter(file, {
    flushIntervalMs: 5,
    flushThresholdBytes: 1000,
    maxQueueBytes: 1 << 20,
    onWriteError: (e) => errors.push(e),
    ...(slabs === undefined ? {} : { slabs }),
  });
}

/** `line(n)` cut from `slabs`, as the recorder's encoder cuts them. */
function slabLine(slabs: LineSlabs, n: number): Buffer {
  const text = line(n);
  const out = slabs.take(text.length);
  text.copy(out);
  return out;
}

describe('LineBatchWriter with two writes on their way', () => {
  it('keeps the lines in order and hashes the file as written when the second write lands first', async () => {
    const path = join(await tempDir('gatehouse-writer-'), 'a.cast');
    const { file, close } = await faultyFile(path, { 1: { delayMs: 60 } });
    const errors: unknown[] = [];
    const writer = writerOn(file, errors);
    const expected = Buffer.concat(Array.from({ length: 40 }, (_, i) => line(i)));
    for (let i = 0; i < 40; i++) writer.push(line(i), 1);
    await writer.drain();
    const seal = await writer.seal();
    await close();
    const onDisk = await readFile(path);
    expect(errors).toEqual([]);
    expect(onDisk.equals(expected)).toBe(true);
    expect(seal).toEqual({ sha256: sha256(onDisk), bytes: onDisk.length, events: 40 });
  });

  it('after a failed write, the file ends at the last whole batch before it and the hash covers exactly that', async () => {
    const path = join(await tempDir('gatehouse-writer-'), 'b.cast');
    const { file, close } = await faultyFile(path, { 1: { delayMs: 40 }, 2: { fail: true } });
    const errors: unknown[] = [];
    const writer = writerOn(file, errors);
    for (let i = 0; i < 40; i++) writer.push(line(i), 1);
    await writer.drain();
    const seal = await writer.seal();
    await close();
    const onDisk = await readFile(path);
    expect(errors).toHaveLength(1);
    expect((errors[0] as { code?: string }).code).toBe('EIO');
    expect(seal.bytes).toBe(onDisk.length);
    expect(seal.sha256).toBe(sha256(onDisk));
    expect(onDisk.length).toBeGreaterThan(0);
    expect(onDisk.toString().endsWith('"]\n')).toBe(true);
    expect(writer.push(line(99), 1)).toBe('closed');
  });

  it('gives every line back to its slab after a failure: written, cut off or still queued', async () => {
    const path = join(await tempDir('gatehouse-writer-'), 'd.cast');
    const { file, close } = await faultyFile(path, { 1: { delayMs: 40 }, 2: { fail: true } });
    const slabs = new LineSlabs(64 * 1024, 1);
    const errors: unknown[] = [];
    const writer = writerOn(file, errors, slabs);
    const first = slabLine(slabs, 0);
    writer.push(first, 1);
    for (let i = 1; i < 60; i++) writer.push(slabLine(slabs, i), 1);
    await writer.drain();
    await writer.seal();
    await close();
    expect(errors).toHaveLength(1);
    const next = slabs.take(10);
    expect([next.buffer === first.buffer, next.byteOffset]).toEqual([true, first.byteOffset]);
  });

  it('cuts off a batch that landed after the one that failed', async () => {
    const path = join(await tempDir('gatehouse-writer-'), 'c.cast');
    const { file, close } = await faultyFile(path, { 1: { delayMs: 40, fail: true } });
    const errors: unknown[] = [];
    const writer = writerOn(file, errors);
    for (let i = 0; i < 10; i++) writer.push(line(i), 1);
    await writer.drain();
    const seal = await writer.seal();
    await close();
    expect(errors).toHaveLength(1);
    expect((await readFile(path)).length).toBe(0);
    expect(seal).toEqual({ sha256: sha256(Buffer.alloc(0)), bytes: 0, events: 0 });
  });
});
