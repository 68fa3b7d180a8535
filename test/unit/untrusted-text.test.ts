import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  boundUntrusted,
  escapeUnprintable,
  UNPRINTABLE,
  UNTRUSTED_TEXT_MAX,
} from '../../src/core/untrusted-text.js';

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const MARKER = /…\(\+(\d+) chars\)$/;

describe('boundUntrusted', () => {
  it.each([
    ['alice+db1', 'alice+db1'],
    ['', ''],
    ['a'.repeat(64) + '+' + 'b'.repeat(64), 'a'.repeat(64) + '+' + 'b'.repeat(64)],
    ['bell\u0007', 'bell\\u0007'],
    ['two\nlines\r\ttab', 'two\\nlines\\r\\ttab'],
    ['esc\u001b[31m', 'esc\\u001b[31m'],
    ['del\u007f c1\u009b', 'del\\u007f c1\\u009b'],
    ['back\\slash "q"', 'back\\\\slash \\"q\\"'],
    ['\u0430lice', '\\u0430lice'],
    ['rtl\u202eevil', 'rtl\\u202eevil'],
    ['fake…(+3 chars)', 'fake\\u2026(+3 chars)'],
  ])('keeps %j as %j', (input, expected) => {
    expect(boundUntrusted(input)).toBe(expected);
  });

  it('cuts a 30,000-character name to the limit and says how much was left out', () => {
    const out = boundUntrusted('a'.repeat(30_000));
    expect(out).toBe(`${'a'.repeat(UNTRUSTED_TEXT_MAX)}…(+${30_000 - UNTRUSTED_TEXT_MAX} chars)`);
  });

  it('counts escapes toward the limit and characters (not UTF-16 units) in the marker', () => {
    expect(boundUntrusted('\u0000'.repeat(100), 12)).toBe('\\u0000\\u0000…(+98 chars)');
    expect(boundUntrusted('ab😀😀😀', 2)).toBe('ab…(+3 chars)');
    expect(boundUntrusted('abc', 0)).toBe('…(+3 chars)');
  });

  it('always returns one printable line of bounded length, its marker honest', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), fc.nat(200), (value, max) => {
        const out = boundUntrusted(value, max);
        const m = MARKER.exec(out);
        const body = m === null ? out : out.slice(0, m.index);
        expect(body).toMatch(PRINTABLE_ASCII);
        expect(body.length).toBeLessThanOrEqual(max);
        if (m === null) expect(Array.from(value).length).toBeLessThanOrEqual(max);
        else expect(Number(m[1])).toBeGreaterThan(0);
      }),
    );
  });
});

describe('escapeUnprintable', () => {
  it.each([
    ['fix the index', 'fix the index'],
    ['fix \u202egnp.exe\u202c now\u200b', 'fix \\u202egnp.exe\\u202c now\\u200b'],
    ['a\nb\tc\u0007', 'a\\nb\\tc\\u0007'],
    ['line\u2028sep', 'line\\u2028sep'],
    // Printable non-ASCII and quotes stay as typed: only what prints as something else is escaped.
    ['Zoë "quoted" \\ ü', 'Zoë "quoted" \\ ü'],
  ])('%j reads as %j', (text, shown) => {
    expect(escapeUnprintable(text)).toBe(shown);
  });

  it('leaves nothing UNPRINTABLE', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(UNPRINTABLE.test(escapeUnprintable(text))).toBe(false);
      }),
    );
  });
});
