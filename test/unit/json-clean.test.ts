import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { asciiNeedsNoJsonEscape } from '../../src/recording/json-clean.js';

const jsonIsVerbatim = (bytes: Uint8Array): boolean => {
  const text = Buffer.from(bytes).toString('latin1');
  return JSON.stringify(text) === `"${text}"`;
};

describe('asciiNeedsNoJsonEscape', () => {
  it('says exactly whether JSON.stringify would escape, at any alignment and length', () => {
    // Printable with a few of each byte that needs an escape (0x00-0x1f, ", \) and DEL (which does not).
    const byte = fc.oneof(
      { weight: 30, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
      { weight: 1, arbitrary: fc.constantFrom(0x00, 0x0a, 0x0d, 0x1b, 0x1f, 0x22, 0x5c, 0x7f) },
    );
    fc.assert(
      fc.property(
        fc.array(byte, { maxLength: 70 }),
        fc.nat({ max: 7 }),
        fc.nat({ max: 7 }),
        (values, lead, trail) => {
          const backing = new Uint8Array(lead + values.length + trail).fill(0x0a);
          backing.set(values, lead);
          const bytes = backing.subarray(lead, lead + values.length);
          expect(asciiNeedsNoJsonEscape(bytes)).toBe(jsonIsVerbatim(bytes));
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('finds one escape anywhere in a long clean run, in every byte of a word', () => {
    const clean = Buffer.alloc(64, 'a');
    expect(asciiNeedsNoJsonEscape(clean)).toBe(true);
    for (const bad of [0x00, 0x1f, 0x22, 0x5c]) {
      for (let at = 0; at < clean.length; at++) {
        const bytes = Buffer.from(clean);
        bytes[at] = bad;
        expect(asciiNeedsNoJsonEscape(bytes)).toBe(false);
      }
    }
    for (const fine of [0x20, 0x21, 0x23, 0x5b, 0x5d, 0x7e, 0x7f]) {
      expect(asciiNeedsNoJsonEscape(Buffer.alloc(33, fine))).toBe(true);
    }
  });
});
