import { describe, expect, it } from 'vitest';
import { errnoCode, errorMessage, oneLine } from '../../src/core/errors.js';

describe('errnoCode', () => {
  it('is the code of a failed file-system call', async () => {
    const { readFile } = await import('node:fs/promises');
    const failure = await readFile('/nonexistent/gatehouse').catch((e: unknown) => e);
    expect(errnoCode(failure)).toBe('ENOENT');
  });

  it('is `error` for anything without a code', () => {
    expect(errnoCode(new Error('boom'))).toBe('error');
    expect(errnoCode('text')).toBe('error');
    expect(errnoCode(null)).toBe('error');
    expect(errnoCode(undefined)).toBe('error');
  });
});

describe('errorMessage', () => {
  it("is an Error's message, and anything else as a string", () => {
    expect(errorMessage(new TypeError('bad input'))).toBe('bad input');
    expect(errorMessage('plain text')).toBe('plain text');
    expect(errorMessage(42)).toBe('42');
    expect(errorMessage(null)).toBe('null');
  });
});

describe('oneLine', () => {
  it('joins lines with one space and trims', () => {
    expect(oneLine('  first line\r\n   second\n\nthird  ')).toBe('first line second third');
  });

  it('cuts past max with ..., and leaves a short line alone', () => {
    expect(oneLine('abcdef', 4)).toBe('abcd...');
    expect(oneLine('abcd', 4)).toBe('abcd');
    expect(oneLine('x'.repeat(10_000))).toHaveLength(10_000);
  });
});
