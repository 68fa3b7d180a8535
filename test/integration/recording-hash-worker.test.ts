/** A recording's sha256 is computed by a worker thread: it is still the sha256 of the file. */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { HashWorker } from '../../src/recording/hash-worker.js';
import { LineBatchWriter } from '../../src/recording/line-batch-writer.js';
import { openRecording } from '../../src/recording/recorder.js';
import { tempDir } from '../helpers/tmp.js';

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const START = Date.UTC(2026, 0, 2, 3, 4, 5);

/** Lines of every kind the recorder makes: small (pooled), large ASCII, large UTF-8. */
const lines = (n: number, tag: string): Buffer[] =>
  Array.from({ length: n }, (_, i) => {
    if (i % 3 === 0) return Buffer.from(`[${i},"o","${tag}-${i}"]\n`);
    if (i % 3 === 1) return Buffer.from(`[${i},"o","${randomBytes(30_000).toString('base64')}"]\n`);
    return Buffer.from(`[${i},"o","${'é'.repeat(9000)}"]\n`, 'utf8');
  });

async function writerOn(hashWorker: HashWorker) {
  const path = join(await tempDir('gh-hash-'), 'x.cast');
  const fh = await open(path, 'w+');
  const errors: unknown[] = [];
  const writer = new LineBatchWriter(fh, {
    flushIntervalMs: 5,
    flushThresholdBytes: 64 * 1024,
    maxQueueBytes: 64 << 20,
    onWriteError: (e) => errors.push(e),
    hashWorker,
  });
  const push = async (batch: Buffer[]): Promise<void> => {
    for (const line of batch) expect(writer.push(line, 1)).toBe('queued');
    await writer.drain();
  };
  const seal = async () => {
    const s = await writer.seal();
    await fh.close();
    return { ...s, file: await readFile(path), errors };
  };
  return { push, seal, backlog: () => writer.backlogBytes };
}

describe('the recording hash worker', () => {
  it('seals a recording with the sha256 of its file, lines of every size included', async () => {
    const dir = await tempDir('gh-hash-');
    const rec = await openRecording({
      dir,
      sessionId: randomUUID(),
      startedAt: START,
      width: 80,
      height: 24,
      title: 't',
      captureInput: true,
      mode: 'strict',
      clock: fixedClock(START),
    });
    for (let i = 0; i < 40; i++) {
      rec.output(randomBytes(i % 2 === 0 ? 32 * 1024 : 100)); // binary: UTF-8 decoded
      rec.output(Buffer.from(randomBytes(24 * 1024).toString('base64'))); // clean ASCII
      rec.input(Buffer.from('ls\r'));
      rec.marker(`m${i}`);
    }
    const seal = await rec.close();
    const file = await readFile(seal.path);
    expect(seal.bytes).toBe(file.length);
    expect(seal.events).toBe(file.toString('utf8').trimEnd().split('\n').length - 1);
    expect(seal.sha256).toBe(sha256(file));
  });

  it('hashes several recordings at once, each its own bytes', async () => {
    const worker = new HashWorker();
    const a = await writerOn(worker);
    const b = await writerOn(worker);
    await a.push(lines(10, 'a'));
    await b.push(lines(7, 'b'));
    await a.push(lines(5, 'a2'));
    const [sa, sb] = await Promise.all([a.seal(), b.seal()]);
    expect(sa.sha256).toBe(sha256(sa.file));
    expect(sb.sha256).toBe(sha256(sb.file));
    expect(sa.sha256).not.toBe(sb.sha256);
    await worker.stop();
  });

  it('survives losing the worker: the file is hashed instead, and the next recording starts a new worker', async () => {
    const worker = new HashWorker();
    const before = await writerOn(worker);
    await before.push(lines(9, 'before'));
    await worker.stop(); // as a crash: the state of `before` is gone with it
    await before.push(lines(4, 'after'));
    const sealed = await before.seal();
    expect(sealed.errors).toEqual([]);
    expect(sealed.bytes).toBe(sealed.file.length);
    expect(sealed.sha256).toBe(sha256(sealed.file));

    const next = await writerOn(worker);
    await next.push(lines(6, 'next'));
    const nextSeal = await next.seal();
    expect(nextSeal.sha256).toBe(sha256(nextSeal.file));
    await worker.stop();
  });

  it('counts written lines as backlog until the worker has hashed them (their memory is in use)', async () => {
    const worker = new HashWorker();
    const w = await writerOn(worker);
    const batch = lines(6, 'held');
    await w.push(batch);
    expect(w.backlog()).toBe(batch.reduce((n, b) => n + b.length, 0));
    await w.seal();
    expect(w.backlog()).toBe(0);
    await worker.stop();
  });

  it('seals an empty writer with the sha256 of nothing', async () => {
    const worker = new HashWorker();
    const empty = await writerOn(worker);
    const s = await empty.seal();
    expect([s.bytes, s.sha256]).toEqual([0, sha256(Buffer.alloc(0))]);
    await worker.stop();
  });
});
