import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatTimestamp, isoTime, parseTimestamp } from '../../src/core/timestamp.js';

describe('parseTimestamp', () => {
  it.each([
    ['2026-11-01', Date.UTC(2026, 10, 1)],
    ['2026-11-30T18:00Z', Date.UTC(2026, 10, 30, 18)],
    ['2026-11-30T18:00:00Z', Date.UTC(2026, 10, 30, 18)],
    ['2026-11-30T18Z', Date.UTC(2026, 10, 30, 18)],
    ['2026-11-30T18:00:00+02:00', Date.UTC(2026, 10, 30, 16)],
    ['2026-11-30T18:00-05:30', Date.UTC(2026, 10, 30, 23, 30)],
    ['2026-11-30T18:00+02', Date.UTC(2026, 10, 30, 16)],
    ['2026-11-30T18:00+0200', Date.UTC(2026, 10, 30, 16)],
    ['2026-11-30T01:00+02:00', Date.UTC(2026, 10, 29, 23)],
    ['2026-11-30T18:00:07.5Z', Date.UTC(2026, 10, 30, 18, 0, 7, 500)],
    ['2026-11-30T18:00:07.123456789Z', Date.UTC(2026, 10, 30, 18, 0, 7, 123)],
    ['2028-02-29', Date.UTC(2028, 1, 29)],
    ['2000-02-29', Date.UTC(2000, 1, 29)],
    ['1970-01-01T00:00:00Z', 0],
    ['0001-01-01', -62_135_596_800_000],
    ['9999-12-31T23:59:59Z', Date.UTC(9999, 11, 31, 23, 59, 59)],
  ])('%s', (text, ms) => {
    expect(parseTimestamp(text)).toEqual({ ok: true, ms });
  });

  it.each([
    [
      'no zone',
      '2026-11-30T18:00',
      '"2026-11-30T18:00" has no time zone: add Z (UTC) or an offset like +02:00',
    ],
    ['no zone, seconds', '2026-11-30T18:00:00', 'has no time zone'],
    [
      '30 February',
      '2026-02-30',
      '"2026-02-30" is not a valid time: day 30 does not exist in 2026-02',
    ],
    ['29 February, not leap', '2026-02-29', 'day 29 does not exist in 2026-02'],
    ['29 February 1900', '1900-02-29', 'day 29 does not exist'],
    ['31 April', '2026-04-31', 'day 31 does not exist'],
    ['day 0', '2026-04-00', 'day 0 does not exist'],
    ['month 13', '2026-13-01', 'month 13 does not exist'],
    ['month 0', '2026-00-01', 'month 0 does not exist'],
    ['hour 24', '2026-11-30T24:00Z', 'hour 24 does not exist'],
    ['minute 60', '2026-11-30T18:60Z', 'minute 60 does not exist'],
    ['leap second', '2026-12-31T23:59:60Z', 'second 60 does not exist'],
    ['offset +24', '2026-11-30T18:00+24:00', 'offset +24:00 does not exist'],
    [
      'garbage',
      'tomorrow',
      '"tomorrow" is not a time: use ISO 8601, e.g. 2026-11-01 or 2026-11-30T18:00Z',
    ],
    ['empty', '', 'is not a time'],
    ['epoch number', '1793548800000', 'is not a time'],
    ['US order', '11/30/2026', 'is not a time'],
    ['space separator', '2026-11-30 18:00Z', 'is not a time'],
    ['lower-case t', '2026-11-30t18:00Z', 'is not a time'],
    ['one-digit month', '2026-1-01', 'is not a time'],
    ['leading space', ' 2026-11-01', 'is not a time'],
    ['trailing newline', '2026-11-01\n', '"2026-11-01\\n" is not a time'],
    ['zone name', '2026-11-30T18:00 CET', 'is not a time'],
    ['SQL quotes', "2026-11-01'; DROP TABLE ndas;--", 'is not a time'],
    ['10 KB', '2'.repeat(10_240), '... (10240 chars)'],
  ])('refuses %s', (_label, text, expected) => {
    const r = parseTimestamp(text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.message).toContain(expected);
    expect(r.message).toMatch(/^[\x20-\x7e]+$/);
  });
});

describe('formatTimestamp', () => {
  it.each([
    [Date.UTC(2026, 10, 30, 18), '2026-11-30T18:00:00Z'],
    [Date.UTC(2026, 10, 1), '2026-11-01T00:00:00Z'],
    [Date.UTC(2026, 10, 1, 0, 0, 0, 5), '2026-11-01T00:00:00.005Z'],
    [0, '1970-01-01T00:00:00Z'],
  ])('%i → %s', (ms, text) => {
    expect(formatTimestamp(ms)).toBe(text);
  });

  it('property: parseTimestamp(formatTimestamp(ms)) === ms for years 1970–9999', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Date.UTC(9999, 11, 31, 23, 59, 59, 999) }), (ms) => {
        expect(parseTimestamp(formatTimestamp(ms))).toEqual({ ok: true, ms });
      }),
      { numRuns: 2000 },
    );
  });

  it('property: agrees with Date for any valid date-time with an offset', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date(Date.UTC(1970, 0, 1)),
          max: new Date(Date.UTC(9999, 0, 1)),
          noInvalidDate: true,
        }),
        fc.integer({ min: -14 * 60, max: 14 * 60 }),
        (date, offset) => {
          const local = new Date(date.getTime() + offset * 60_000).toISOString().slice(0, 19);
          const sign = offset < 0 ? '-' : '+';
          const abs = Math.abs(offset);
          const zone = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
          const expected = Math.floor(date.getTime() / 1000) * 1000;
          expect(parseTimestamp(`${local}${zone}`)).toEqual({ ok: true, ms: expected });
        },
      ),
    );
  });
});

describe('isoTime (times in CLI tables and the demo instructions)', () => {
  it.each([
    [Date.UTC(2026, 10, 30, 18), '2026-11-30T18:00:00Z'],
    [Date.UTC(2026, 10, 1, 0, 0, 0, 999), '2026-11-01T00:00:00Z'],
    [null, '-'],
    [undefined, '-'],
  ])('%s → %s', (ms, text) => {
    expect(isoTime(ms)).toBe(text);
  });
});
