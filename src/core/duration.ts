import { quoteForMessage as shown } from './names.js';

/** Durations as typed by admins (`90s`, `45m`, `2h`, `7d`) and as shown to users. */

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
/** Nothing longer is accepted: a typo like `7000d` should not become a grant. */
export const MAX_DURATION_MS = 3650 * DAY;

const UNITS: ReadonlyMap<string, number> = new Map([
  ['s', SECOND],
  ['m', MINUTE],
  ['h', HOUR],
  ['d', DAY],
]);
const EXAMPLES = 'a whole number and a unit: 90s, 45m, 2h, 7d';

export type DurationParse =
  { readonly ok: true; readonly ms: number } | { readonly ok: false; readonly message: string };

export function parseDuration(text: string): DurationParse {
  const bad = (why: string): DurationParse => ({
    ok: false,
    message: `${shown(text)} is not a duration: ${why}`,
  });
  if (text.length === 0) return bad(`empty; use ${EXAMPLES}`);
  if (/\s/.test(text)) return bad(`no spaces allowed; use ${EXAMPLES}`);
  if (text.startsWith('-')) return bad('must be positive');
  const m = /^(\d*)([.,]\d*)?(.*)$/s.exec(text);
  const digits = m?.[1] ?? '';
  const fraction = m?.[2];
  const unitText = m?.[3] ?? '';
  if (digits === '') return bad(`missing number; use ${EXAMPLES}`);
  if (fraction !== undefined) return bad('no decimals; use a smaller unit (90m, not 1.5h)');
  if (unitText === '') return bad('missing unit (s, m, h or d)');
  const unit = UNITS.get(unitText);
  if (unit === undefined) return bad(`unknown unit ${shown(unitText)}; use s, m, h or d`);
  const n = Number(digits);
  if (n === 0) return bad('must be more than zero');
  const ms = n * unit;
  if (!Number.isSafeInteger(n) || !Number.isSafeInteger(ms) || ms > MAX_DURATION_MS) {
    return bad('longer than the maximum of 10 years (3650d)');
  }
  return { ok: true, ms };
}

/** The exact value in the largest unit that divides it: `30d`, `2h`, `90s` (config, messages). */
export function formatDuration(ms: number): string {
  if (ms < 0) return `-${formatDuration(-ms)}`;
  if (ms === 0) return '0s';
  for (const [name, size] of [
    ['d', DAY],
    ['h', HOUR],
    ['m', MINUTE],
    ['s', SECOND],
  ] as const) {
    if (ms % size === 0) return `${ms / size}${name}`;
  }
  return `${ms}ms`;
}

/**
 * Time left for prompts and banners: the two largest units, rounded down (never promise more
 * time than there is): `3d4h`, `1h12m`, `5m30s`, `45s`. Zero components are left out; `0s` at
 * or past the end.
 */
export function formatTimeLeft(ms: number): string {
  if (!(ms >= SECOND)) return '0s';
  const parts: [number, string][] = [
    [Math.floor(ms / DAY), 'd'],
    [Math.floor((ms % DAY) / HOUR), 'h'],
    [Math.floor((ms % HOUR) / MINUTE), 'm'],
    [Math.floor((ms % MINUTE) / SECOND), 's'],
  ];
  const first = parts.findIndex(([n]) => n > 0);
  return parts
    .slice(first, first + 2)
    .filter(([n]) => n > 0)
    .map(([n, u]) => `${n}${u}`)
    .join('');
}
