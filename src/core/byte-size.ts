import { quoteForMessage as shown } from './names.js';

/** Sizes as typed in the config: a whole number and a binary unit (`512KiB`, `2GiB`). */

const UNITS: ReadonlyMap<string, number> = new Map([
  ['B', 1],
  ['KiB', 1024],
  ['MiB', 1024 ** 2],
  ['GiB', 1024 ** 3],
  ['TiB', 1024 ** 4],
]);
const EXAMPLES = 'a whole number and a unit: 512KiB, 64MiB, 2GiB';

export type ByteSizeParse =
  { readonly ok: true; readonly bytes: number } | { readonly ok: false; readonly message: string };

export function parseByteSize(text: string): ByteSizeParse {
  const bad = (why: string): ByteSizeParse => ({
    ok: false,
    message: `${shown(text)} is not a size: ${why}`,
  });
  const m = /^([0-9]+)([A-Za-z]*)$/.exec(text);
  if (m === null) return bad(`use ${EXAMPLES}`);
  const unitText = m[2] ?? '';
  if (unitText === '') return bad('missing unit (B, KiB, MiB, GiB or TiB)');
  const unit = UNITS.get(unitText);
  if (unit === undefined)
    return bad(`unknown unit ${shown(unitText)}; use B, KiB, MiB, GiB or TiB`);
  const bytes = Number(m[1]) * unit;
  if (bytes === 0) return bad('must be more than zero');
  if (!Number.isSafeInteger(bytes)) return bad('too large');
  return { ok: true, bytes };
}

/**
 * A size as `parseByteSize` reads it when it is a whole number of its largest unit (`500MiB`),
 * else that unit with one decimal (`488.3MiB`).
 */
export function formatByteSize(bytes: number): string {
  let name = 'B';
  let size = 1;
  for (const [unitName, unit] of UNITS) {
    if (bytes >= unit) [name, size] = [unitName, unit];
  }
  const whole = bytes % size === 0;
  return `${whole ? String(bytes / size) : (bytes / size).toFixed(1)}${name}`;
}
