import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FileRun, MAX_EARLY_BYTES } from '../../src/sftp/file-run.js';

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');
const data = randomBytes(100_000);

describe('FileRun', () => {
  it('hashes pieces in file order', () => {
    const run = new FileRun();
    for (let at = 0; at < data.length; at += 32_768) run.add(at, data.subarray(at, at + 32_768));
    expect(run.bytes).toBe(data.length);
    expect(run.digest()).toBe(sha256(data));
  });

  it('waits for a gap (a short read asked again) and hashes in file order', () => {
    const run = new FileRun();
    run.add(0, data.subarray(0, 10_000));
    run.add(40_000, data.subarray(40_000));
    run.add(10_000, data.subarray(10_000, 40_000));
    expect(run.digest()).toBe(sha256(data));
  });

  it('gives null for a run not from offset 0, a re-read, or a gap never filled', () => {
    const resumed = new FileRun();
    resumed.add(50_000, data.subarray(50_000));
    expect(resumed.bytes).toBe(50_000);
    expect(resumed.digest()).toBeNull();

    const reread = new FileRun();
    reread.add(0, data.subarray(0, 20_000));
    reread.add(0, data.subarray(0, 20_000));
    expect(reread.bytes).toBe(40_000);
    expect(reread.digest()).toBeNull();
  });

  it('keeps at most MAX_EARLY_BYTES ahead of a gap, then gives up the hash', () => {
    const big = randomBytes(MAX_EARLY_BYTES + 20_000);
    const run = new FileRun();
    run.add(10_000, big.subarray(10_000));
    run.add(0, big.subarray(0, 10_000));
    expect(run.bytes).toBe(big.length);
    expect(run.digest()).toBeNull();
  });

  it('hashes an empty file', () => {
    expect(new FileRun().digest()).toBe(sha256(Buffer.alloc(0)));
  });

  it('hands its copy exactly the bytes it hashes, in file order, and stops it on random access', () => {
    const copied: Buffer[] = [];
    let stopped = 0;
    const copy = {
      write: (piece: Buffer) => copied.push(Buffer.from(piece)),
      stop: () => (stopped += 1),
      refusal: () => null,
      end: () => undefined,
    };
    const run = new FileRun(copy);
    run.add(0, data.subarray(0, 10_000));
    run.add(40_000, data.subarray(40_000));
    run.add(10_000, data.subarray(10_000, 40_000));
    expect(Buffer.concat(copied)).toEqual(data);
    expect(stopped).toBe(0);
    run.add(0, data.subarray(0, 1_000)); // a re-read
    expect(stopped).toBe(1);
    expect(Buffer.concat(copied)).toEqual(data);
    expect(run.digest()).toBeNull();
  });
});
