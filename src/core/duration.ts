import { quoteForMessage as shown } from './names.js';

/**
 * Durations as typed by admins and users (`90s`, `45m`, `2h`, `7d`, `1h30m`, `2d12h`) and as shown
 * to users. A compound duration names its units largest first, each once, so `30m1h` or `1h1h`
 * (likely typos) are refused rather than summed.
 */

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
export const WEEK = 7 * DAY;
/** Nothing longer is accepted: a typo like `7000d` should not become a grant. */
export const MAX_DURATION_MS = 3650 * DAY;

/** Largest first: the order a compound duration must follow. */
const UNITS: readonly (readonly [string, number])[] = [
  ['w', WEEK],
  ['d', DAY],
  ['h', HOUR],
  ['m', MINUTE],
  ['s', SECOND],
];
const EXAMPLES = 'whole numbers with units: 90s, 45m, 2h, 7d, 1h30m';

export type DurationParse =
  { readonly ok: true; readonly ms: number } | { readonly ok: false; readonly message: string };

/** One `<digits><unit>` part, or why it is not one. */
type PartParse =
  | { readonly ok: true; readonly n: number; readonly unit: number; readonly rest: string }
  | { readonly ok: false; readonly why: string };

function parsePart(text: string): PartParse {
  const m = /^(\d*)([.,]\d*)?(\D*)/s.exec(text);
  const digits = m?.[1] ?? '';
  const unitText = m?.[3] ?? '';
  if (digits === '') return { ok: false, why: `missing number; use ${EXAMPLES}` };
  if (m?.[2] !== undefined) {
    return { ok: false, why: 'no decimals; use a smaller unit (90m, not 1.5h)' };
  }
  if (unitText === '') return { ok: false, why: 'missing unit (s, m, h, d or w)' };
  const unit = UNITS.find(([name]) => name === unitText);
  if (unit === undefined) {
    return { ok: false, why: `unknown unit ${shown(unitText)}; use s, m, h, d or w` };
  }
  return { ok: true, n: Number(digits), unit: unit[1], rest: text.slice(m?.[0].length ?? 0) };
}

export function parseDuration(text: string): DurationParse {
  const bad = (why: string): DurationParse => ({
    ok: false,
    message: `${shown(text)} is not a duration: ${why}`,
  });
  if (text.length === 0) return bad(`empty; use ${EXAMPLES}`);
  if (/\s/.test(text)) return bad(`no spaces allowed; use ${EXAMPLES}`);
  if (text.startsWith('-')) return bad('must be positive');
  let ms = 0;
  let previousUnit = Infinity;
  for (let rest = text; rest !== '';) {
    const part = parsePart(rest);
    if (!part.ok) return bad(part.why);
    if (part.unit >= previousUnit)
      return bad('units must go from largest to smallest, each once (1h30m)');
    if (!Number.isSafeInteger(part.n)) return bad('longer than the maximum of 10 years (3650d)');
    ms += part.n * part.unit;
    previousUnit = part.unit;
    rest = part.rest;
  }
  if (ms === 0) return bad('must be more than zero');
  if (!Number.isSafeInteger(ms) || ms > MAX_DURATION_MS) {
    return bad('longer than the maximum of 10 years (3650d)');
  }
  return { ok: true, ms };
}

/**
 * The exact value in the largest unit that divides it: `30d`, `2h`, `90s` (config, messages).
 * Weeks are read, never written: `14d` stays `14d`.
 */
export function formatDuration(ms: number): string {
  if (ms < 0) return `-${formatDuration(-ms)}`;
  if (ms === 0) return '0s';
  for (const [name, size] of UNITS.slice(1)) {
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
