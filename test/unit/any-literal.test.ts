import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anyLiteralIn } from '../../src/core/any-literal.js';

const naive =
  (literals: readonly string[]) =>
  (text: string): boolean =>
    literals.some((l) => text.includes(l));

describe('anyLiteralIn', () => {
  const rules = ['/etc/shadow', ' PRIVATE KEY-----', 'password=', 'SECRET', 'card_number '];

  it.each([
    ['at the start', 'SECRET in the first line', true],
    ['at the end', 'the last word is SECRET', true],
    ['alone', 'password=', true],
    ['after a near miss', 'SECRE SECRET', true],
    ['in a long text', `${'x'.repeat(40_000)}/etc/shadow${'y'.repeat(9)}`, true],
    ['cut short', 'SECRE', false],
    ['in another case', 'secret', false],
    ['nowhere', 'ordinary output of ls -l', false],
    ['empty text', '', false],
  ])('finds a literal %s', (_name, text, found) => {
    expect(anyLiteralIn(rules)(text)).toBe(found);
  });

  it('finds short literals (searched apart) and longer ones together', () => {
    const find = anyLiteralIn(['rm', 'DROP TABLE']);
    expect(find('x rm y')).toBe(true);
    expect(find('please DROP TABLE users')).toBe(true);
    expect(find('r m DROP')).toBe(false);
  });

  it('finds everything when a literal is empty and nothing when there are none', () => {
    expect(anyLiteralIn(['', 'abc'])('zzz')).toBe(true);
    expect(anyLiteralIn([])('abc')).toBe(false);
  });

  it('tells characters apart that share a low byte (a and \u0161, \u0101 and \\x01)', () => {
    const find = anyLiteralIn(['\u0161abcd', 'x\u0101yz']);
    expect(find('aabcd')).toBe(false);
    expect(find('x\x01yz')).toBe(false);
    expect(find('..\u0161abcd..')).toBe(true);
    expect(find('x\u0101yz')).toBe(true);
  });

  it('answers as one search per literal does, for any literals and text', () => {
    const char = fc.constantFrom('a', 'b', 'c', '/', ' ', '\u0161', '\u0101', '\x01');
    const word = (min: number, max: number) =>
      fc.array(char, { minLength: min, maxLength: max }).map((c) => c.join(''));
    fc.assert(
      fc.property(fc.array(word(0, 9), { maxLength: 6 }), word(0, 80), (literals, text) => {
        expect(anyLiteralIn(literals)(text)).toBe(naive(literals)(text));
      }),
      { numRuns: 2000 },
    );
  });
});
