import { describe, expect, it } from 'vitest';
import { toCrlf } from '../../src/stream/crlf.js';

const crlf = (text: string): string => toCrlf(Buffer.from(text, 'latin1')).toString('latin1');

describe('toCrlf', () => {
  it('gives every bare LF a CR and leaves CR LF as it is', () => {
    expect(crlf('a\nb\r\nc\n')).toBe('a\r\nb\r\nc\r\n');
    expect(crlf('\n\n')).toBe('\r\n\r\n');
    expect(crlf('\r\n')).toBe('\r\n');
    expect(crlf('\r\r\n\n')).toBe('\r\r\n\r\n');
  });

  it('returns the same buffer when there is nothing to add', () => {
    const data = Buffer.from('no line end\r\n');
    expect(toCrlf(data)).toBe(data);
  });

  it('matches a plain rewrite on random binary chunks', () => {
    let seed = 7;
    const next = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 256;
    for (let n = 0; n < 200; n += 1) {
      const data = Buffer.from(
        Array.from({ length: n * 13 }, () => [10, 13, next()][next() % 3] ?? 0),
      );
      const text = data.toString('latin1');
      const expected = text.replace(/(^|[^\r])\n/g, '$1\r\n').replace(/(^|[^\r])\n/g, '$1\r\n');
      expect(toCrlf(data).toString('latin1')).toBe(expected);
    }
  });
});
