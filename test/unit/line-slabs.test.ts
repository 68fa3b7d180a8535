import { describe, expect, it } from 'vitest';
import { LineSlabs } from '../../src/recording/line-slabs.js';

/** A deterministic pseudo-random sequence (xorshift32), so a failure can be replayed. */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

describe('LineSlabs', () => {
  it('never hands out bytes of a line that is not done yet, however lines are taken and returned', () => {
    const slabs = new LineSlabs(4096, 2);
    const next = random(7);
    const live: { line: Buffer; fill: number }[] = [];
    let fill = 0;
    for (let step = 0; step < 10_000; step++) {
      if (live.length === 0 || (live.length < 40 && next() < 0.5)) {
        const line = slabs.take(1 + Math.floor(next() * 900));
        fill = (fill + 1) % 256;
        line.fill(fill);
        live.push({ line, fill });
      } else {
        // Lines come back out of order (two recordings, two writes in flight).
        const [gone] = live.splice(Math.floor(next() * live.length), 1);
        slabs.done(gone!.line);
      }
      for (const { line, fill: f } of live) {
        if (line.some((b) => b !== f)) throw new Error(`step ${step}: a live line was overwritten`);
      }
    }
    expect(live.length).toBeGreaterThan(0);
  });

  it('reuses a slab once its lines are done, instead of allocating', () => {
    const slabs = new LineSlabs(4096, 2);
    const first = slabs.take(1000);
    slabs.done(first);
    const again = slabs.take(1000);
    expect(again.buffer).toBe(first.buffer);
    expect(again.byteOffset).toBe(first.byteOffset);
  });

  it('gives a line longer than a quarter slab its own buffer, and ignores it when done', () => {
    const slabs = new LineSlabs(4096, 2);
    const small = slabs.take(10);
    const long = slabs.take(2000);
    expect(long.buffer).not.toBe(small.buffer);
    expect(long.length).toBe(2000);
    slabs.done(long);
    expect(slabs.take(10).byteOffset).toBe(small.byteOffset + 10);
  });

  it('moves to a new slab when a line does not fit, and keeps the full one until its lines are done', () => {
    const slabs = new LineSlabs(4096, 2);
    const lines = [slabs.take(1000), slabs.take(1000), slabs.take(1000), slabs.take(1000)];
    const spill = slabs.take(200);
    expect(spill.buffer).not.toBe(lines[0]!.buffer);
    lines[0]!.fill(1);
    for (let i = 0; i < 40; i++) slabs.done(slabs.take(1000));
    expect(lines[0]!.every((b) => b === 1)).toBe(true);
  });
});
