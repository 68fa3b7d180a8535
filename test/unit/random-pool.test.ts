import { describe, expect, it } from 'vitest';
import { RandomPool } from '../../src/transport/random-pool.js';

/** A source that counts: byte i of its output stream is i mod 256, so reuse would show. */
function countingSource(): {
  fill: (b: Buffer, offset?: number, length?: number) => void;
  calls: number[];
} {
  let next = 0;
  const calls: number[] = [];
  return {
    calls,
    fill: (b, offset = 0, length = b.length - offset) => {
      calls.push(length);
      for (let i = 0; i < length; i++) b[offset + i] = next++ & 0xff;
    },
  };
}

describe('RandomPool', () => {
  it('hands out the source bytes in order, each once, one source call per block', () => {
    const source = countingSource();
    const pool = new RandomPool(64, source.fill);
    const pieces: Buffer[] = [];
    for (const length of [4, 19, 11, 8, 4, 17, 16, 9]) {
      const target = Buffer.alloc(length + 2, 0xee);
      pool.fill(target, 1, length);
      expect([target[0], target[length + 1]]).toEqual([0xee, 0xee]); // nothing outside the piece
      pieces.push(target.subarray(1, 1 + length));
    }
    // 4+19+11+8+4+17 = 63 from the first block; 16 does not fit the last byte: a second block.
    expect(source.calls).toEqual([64, 64]);
    const handedOut = [...Buffer.concat(pieces)];
    const expected = [
      ...Array.from({ length: 63 }, (_, i) => i),
      ...Array.from({ length: 25 }, (_, i) => 64 + i),
    ];
    expect(handedOut).toEqual(expected);
  });

  it('fills a piece larger than a block from the source directly', () => {
    const source = countingSource();
    const pool = new RandomPool(16, source.fill);
    const target = Buffer.alloc(40);
    pool.fill(target, 4, 32);
    expect(source.calls).toEqual([32]);
    expect([...target.subarray(4, 36)]).toEqual(Array.from({ length: 32 }, (_, i) => i));
  });

  it('gives different bytes each time from the CSPRNG', () => {
    const pool = new RandomPool(1024);
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const b = Buffer.alloc(16);
      pool.fill(b, 0, 16); // 500 x 16 bytes: several refills
      seen.add(b.toString('hex'));
    }
    expect(seen.size).toBe(500);
  });
});
