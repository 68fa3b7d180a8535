import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DAY,
  formatDuration,
  formatTimeLeft,
  HOUR,
  MAX_DURATION_MS,
  MINUTE,
  parseDuration,
  SECOND,
} from '../../src/core/duration.js';

describe('parseDuration', () => {
  it.each([
    ['90s', 90 * SECOND],
    ['45m', 45 * MINUTE],
    ['2h', 2 * HOUR],
    ['7d', 7 * DAY],
    ['1s', 1000],
    ['30d', 30 * DAY],
    ['3650d', MAX_DURATION_MS],
    ['87600h', 87_600 * HOUR],
    ['1h30m', HOUR + 30 * MINUTE],
    ['2d12h', 2 * DAY + 12 * HOUR],
    ['1d2h3m4s', DAY + 2 * HOUR + 3 * MINUTE + 4 * SECOND],
    ['1m30s', 90 * SECOND],
    ['1h0m', HOUR],
    ['3649d24h', MAX_DURATION_MS],
    ['12w', 84 * DAY],
    ['52w1d', 365 * DAY],
  ])('%s → %i ms', (text, ms) => {
    expect(parseDuration(text)).toEqual({ ok: true, ms });
  });

  it.each([
    ['zero', '0h', '"0h" is not a duration: must be more than zero'],
    ['zero, many digits', '000s', 'must be more than zero'],
    ['negative', '-1h', '"-1h" is not a duration: must be positive'],
    ['unknown unit', '2x', '"2x" is not a duration: unknown unit "x"; use s, m, h, d or w'],
    ['upper-case unit', '2H', 'unknown unit "H"'],
    ['milliseconds', '500ms', 'unknown unit "ms"'],
    ['spelled-out unit', '2hours', 'unknown unit "hours"'],
    ['weeks after days', '1d1w', 'units must go from largest to smallest, each once'],
    ['units out of order', '30m1h', 'units must go from largest to smallest, each once'],
    ['a unit twice', '1h1h', 'units must go from largest to smallest, each once'],
    ['a unit twice, apart', '1h5m2h', 'units must go from largest to smallest'],
    ['compound with a bad unit', '1h30x', 'unknown unit "x"'],
    ['compound without a last unit', '1h30', 'missing unit'],
    ['compound decimal', '1h1.5m', 'no decimals'],
    ['compound all zero', '0h0m', 'must be more than zero'],
    ['compound over 10 years', '3650d1s', 'longer than the maximum'],
    ['compound sign inside', '1h-30m', 'unknown unit "h-"'],
    ['prototype key as unit', '2toString', 'unknown unit "toString"'],
    ['no unit', '2', 'missing unit'],
    ['no number', 'h', 'missing number'],
    ['plus sign', '+2h', 'missing number'],
    ['empty', '', '"" is not a duration: empty'],
    ['leading space', ' 2h', 'no spaces'],
    ['trailing newline', '2h\n', 'no spaces'],
    ['space before unit', '2 h', 'no spaces'],
    ['decimal', '1.5h', 'no decimals'],
    ['decimal comma', '1,5h', 'no decimals'],
    ['full-width digits', '\uff12h', 'missing number'],
    ['over 10 years', '3651d', 'longer than the maximum of 10 years (3650d)'],
    ['beyond safe integers', '9007199254740993s', 'longer than the maximum'],
    ['absurd', `${'9'.repeat(400)}d`, 'longer than the maximum'],
    ['SQL quotes', "2h'; DROP TABLE grants;--", 'no spaces'],
    ['SQL quote, no space', "2h'--", `unknown unit "h'--"`],
    ['10 KB', '1'.repeat(10_240), '... (10240 chars)'],
  ])('refuses %s', (_label, text, expected) => {
    const r = parseDuration(text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.message).toContain(expected);
    expect(r.message).toMatch(/^[\x20-\x7e]+$/);
    expect(r.message.length).toBeLessThan(200);
  });
});

describe('formatDuration (largest exact unit)', () => {
  it.each([
    [30 * DAY, '30d'],
    [2 * HOUR, '2h'],
    [90 * SECOND, '90s'],
    [90 * MINUTE, '90m'],
    [48 * HOUR, '2d'],
    [14 * DAY, '14d'],
    [25 * HOUR, '25h'],
    [0, '0s'],
    [1500, '1500ms'],
    [-2 * HOUR, '-2h'],
  ])('%i → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('property: parseDuration(formatDuration(x)) === x for every whole number of seconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_DURATION_MS / SECOND }), (seconds) => {
        const ms = seconds * SECOND;
        expect(parseDuration(formatDuration(ms))).toEqual({ ok: true, ms });
      }),
      { numRuns: 2000 },
    );
  });

  it('property: formatDuration(parseDuration(s)) is s in canonical form for n + unit', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3650 }),
        fc.constantFrom('s', 'm', 'h', 'd'),
        (n, unit) => {
          const r = parseDuration(`${n}${unit}`);
          expect(r.ok).toBe(true);
          if (r.ok) expect(parseDuration(formatDuration(r.ms))).toEqual(r);
        },
      ),
    );
  });
});

describe('formatTimeLeft (two largest units, rounded down)', () => {
  it.each([
    [HOUR + 12 * MINUTE, '1h12m'],
    [HOUR + 12 * MINUTE + 59 * SECOND, '1h12m'],
    [5 * MINUTE, '5m'],
    [5 * MINUTE + 30 * SECOND, '5m30s'],
    [45 * SECOND, '45s'],
    [45 * SECOND + 999, '45s'],
    [3 * DAY + 4 * HOUR + 59 * MINUTE, '3d4h'],
    [3 * DAY + 59 * MINUTE, '3d'],
    [2 * HOUR, '2h'],
    [MINUTE - 1, '59s'],
    [SECOND, '1s'],
    [SECOND - 1, '0s'],
    [0, '0s'],
    [-5 * MINUTE, '0s'],
    [Number.NaN, '0s'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatTimeLeft(ms)).toBe(text);
  });
});
