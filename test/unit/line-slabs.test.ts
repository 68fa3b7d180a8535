import { afterEach, describe, expect, it, vi } from 'vitest';
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

describe('LineSlabs spare slabs', () => {
  const SLAB = 4096;
  /** Fills `n` slabs with quarter-slab lines and hands every line back: the slabs used. */
  const cycle = (slabs: LineSlabs, n: number): Set<ArrayBufferLike> => {
    const lines = Array.from({ length: 4 * n }, () => slabs.take(SLAB / 4));
    for (const l of lines) slabs.done(l);
    return new Set(lines.map((l) => l.buffer));
  };

  afterEach(() => vi.useRealTimers());

  it('a backlog of six slabs, filled and emptied again and again, reuses the same six', () => {
    const slabs = new LineSlabs(SLAB, 8, 2);
    const first = cycle(slabs, 6);
    for (let round = 0; round < 5; round++) {
      for (const memory of cycle(slabs, 6)) expect(first.has(memory)).toBe(true);
    }
  });

  it('with two kept spare, the same backlog allocates new slabs every time', () => {
    const slabs = new LineSlabs(SLAB, 2);
    const first = cycle(slabs, 6);
    const second = cycle(slabs, 6);
    expect([...second].filter((m) => !first.has(m)).length).toBeGreaterThan(0);
  });

  it('lets all but the idle spare go once no slab was started for the idle time, not before', () => {
    vi.useFakeTimers();
    const slabs = new LineSlabs(SLAB, 8, 2, 30_000);
    const first = cycle(slabs, 6);
    vi.advanceTimersByTime(20_000);
    cycle(slabs, 2); // a slab started: busy, the spares stay
    vi.advanceTimersByTime(20_000);
    for (const memory of cycle(slabs, 6)) expect(first.has(memory)).toBe(true);
    vi.advanceTimersByTime(61_000);
    const after = cycle(slabs, 6);
    // The current slab and the two idle spares are reused; the rest are new memory.
    expect([...after].filter((m) => first.has(m)).length).toBe(3);
  });
});
