import { quoteForMessage } from './names.js';

/**
 * ISO 8601 times as admins type them (DESIGN.md §2): a date `2026-11-01` (UTC midnight) or a
 * date-time with a zone `2026-11-30T18:00Z`, `2026-11-30T18:00:00+02:00`. A date-time without a
 * zone is refused: on a bastion, "18:00" in whose time zone is a question, not an answer.
 */
export type TimestampParse =
  { readonly ok: true; readonly ms: number } | { readonly ok: false; readonly message: string };

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2})(?::(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/;

const MS_PER_DAY = 86_400_000;

const isLeap = (y: number): boolean => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);

function daysInMonth(y: number, m: number): number {
  if (m === 2) return isLeap(y) ? 29 : 28;
  return [4, 6, 9, 11].includes(m) ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

export function parseTimestamp(text: string): TimestampParse {
  const shown = quoteForMessage(text);
  const m = ISO.exec(text);
  if (m === null) {
    return {
      ok: false,
      message: `${shown} is not a time: use ISO 8601, e.g. 2026-11-01 or 2026-11-30T18:00Z`,
    };
  }
  const [, ys, mos, ds, hs, mis, ss, frac, zone] = m;
  if (hs !== undefined && zone === undefined) {
    return {
      ok: false,
      message: `${shown} has no time zone: add Z (UTC) or an offset like +02:00`,
    };
  }
  const invalid = (why: string): TimestampParse => ({
    ok: false,
    message: `${shown} is not a valid time: ${why}`,
  });
  const year = Number(ys);
  const month = Number(mos);
  const day = Number(ds);
  const hour = Number(hs ?? '0');
  const minute = Number(mis ?? '0');
  const second = Number(ss ?? '0');
  const millis = Number((frac ?? '').padEnd(3, '0').slice(0, 3));
  if (month < 1 || month > 12) return invalid(`month ${month} does not exist`);
  if (day < 1 || day > daysInMonth(year, month)) {
    return invalid(`day ${day} does not exist in ${ys}-${mos}`);
  }
  if (hour > 23) return invalid(`hour ${hour} does not exist (00-23)`);
  if (minute > 59) return invalid(`minute ${minute} does not exist (00-59)`);
  if (second > 59) return invalid(`second ${second} does not exist (00-59)`);
  let offsetMinutes = 0;
  if (zone !== undefined && zone !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = Number(digits.slice(2) || '0');
    if (oh > 23 || om > 59) return invalid(`offset ${zone} does not exist`);
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (oh * 60 + om);
  }
  const local =
    daysFromCivil(year, month, day) * MS_PER_DAY +
    ((hour * 60 + minute) * 60 + second) * 1000 +
    millis;
  return { ok: true, ms: local - offsetMinutes * 60_000 };
}

/** `YYYY-MM-DDTHH:MM:SSZ`, with `.mmm` only when the milliseconds are not zero. */
export function formatTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** ISO UTC to the second for text meant to be read (CLI tables, the demo's instructions); `-` for none. */
export function isoTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '-';
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
