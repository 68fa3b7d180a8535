import { describe, expect, it } from 'vitest';
import { formatByteSize, parseByteSize } from '../../src/core/byte-size.js';

describe('parseByteSize', () => {
  it.each([
    ['512B', 512],
    ['64KiB', 64 * 1024],
    ['512MiB', 512 * 1024 ** 2],
    ['2GiB', 2 * 1024 ** 3],
    ['1TiB', 1024 ** 4],
  ])('%s → %i bytes', (text, bytes) => {
    expect(parseByteSize(text)).toEqual({ ok: true, bytes });
  });

  it.each([
    ['', '"" is not a size: use a whole number and a unit: 512KiB, 64MiB, 2GiB'],
    ['2', '"2" is not a size: missing unit (B, KiB, MiB, GiB or TiB)'],
    ['2GB', '"2GB" is not a size: unknown unit "GB"; use B, KiB, MiB, GiB or TiB'],
    ['1.5GiB', '"1.5GiB" is not a size: use a whole number and a unit: 512KiB, 64MiB, 2GiB'],
    ['-1MiB', '"-1MiB" is not a size: use a whole number and a unit: 512KiB, 64MiB, 2GiB'],
    ['0GiB', '"0GiB" is not a size: must be more than zero'],
    ['99999999TiB', '"99999999TiB" is not a size: too large'],
  ])('%j: one line saying why', (text, message) => {
    expect(parseByteSize(text)).toEqual({ ok: false, message });
  });
});

describe('formatByteSize', () => {
  it.each([
    [0, '0B'],
    [512, '512B'],
    [1536, '1.5KiB'],
    [500 * 1024 ** 2, '500MiB'],
    [488 * 1024 ** 2 + 300 * 1024, '488.3MiB'],
    [2 * 1024 ** 3, '2GiB'],
    [3 * 1024 ** 4, '3TiB'],
  ])('%i bytes → %s', (bytes, text) => {
    expect(formatByteSize(bytes)).toBe(text);
  });

  it('reads back as the same size when whole', () => {
    for (const bytes of [1, 1024, 5 * 1024 ** 2, 7 * 1024 ** 3])
      expect(parseByteSize(formatByteSize(bytes))).toEqual({ ok: true, bytes });
  });
});
