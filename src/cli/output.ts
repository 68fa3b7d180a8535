import type { CliContext } from './context.js';

/**
 * Output shapes, one rule everywhere:
 * - `--json`: exactly one JSON document on stdout — the domain object (or an array of them), with
 *   every time field (`…At`, `ts`) as an ISO 8601 UTC string (or null), ids as numbers (session
 *   ids as UUID strings), and `user` / `target` names added beside `userId` / `targetId`.
 * - text: aligned columns with a header line, times as ISO UTC to the second; `add` prints the
 *   bare new id.
 */

export type JsonOut =
  string | number | boolean | null | readonly JsonOut[] | { readonly [key: string]: JsonOut };

const isTimeKey = (key: string): boolean => key === 'ts' || /At$/.test(key);

/** Converts a domain object for JSON output: time fields become ISO strings. */
export function toJson(value: unknown, key = ''): JsonOut {
  if (value === null || value === undefined) return null;
  // Audit payloads are shown exactly as stored (and hashed).
  if (key === 'payload') return value as JsonOut;
  if (typeof value === 'number') return isTimeKey(key) ? new Date(value).toISOString() : value;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map((v: unknown) => toJson(v));
  if (typeof value === 'object') {
    const out: Record<string, JsonOut> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toJson(v, k);
    return out;
  }
  return typeof value === 'bigint' ? value.toString() : null;
}

/** Times in text output: ISO UTC to the second, `-` for none (shared with the demo's instructions). */
export { isoTime } from '../core/timestamp.js';

/**
 * Stored text may come from untrusted places (an SSH login name in an audit payload): escape C0/C1
 * control characters so nothing printed can drive the admin's terminal.
 */
export function safeText(text: string): string {
  // finding control characters is the point
  // eslint-disable-next-line no-control-regex
  const controls = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
  return text.replace(controls, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function printJson(ctx: CliContext, value: unknown): void {
  ctx.io.stdout(`${JSON.stringify(toJson(value), null, 2)}\n`);
}

export function printLine(ctx: CliContext, line: string): void {
  ctx.io.stdout(`${safeText(line)}\n`);
}

/** Aligned columns separated by two spaces; the last column is not padded. */
export function printTable(
  ctx: CliContext,
  headers: readonly string[],
  rows: readonly (readonly string[])[],
): void {
  const cells = [headers, ...rows].map((r) => r.map((c) => safeText(c)));
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const lines = cells.map((r) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
  ctx.io.stdout(`${lines.join('\n')}\n`);
}

/** `512B`, `1.5KiB`, `12.0MiB` in binary units; `-` for none (a recording not sealed yet). */
export function formatSize(bytes: number | null): string {
  if (bytes === null) return '-';
  if (bytes < 1024) return `${bytes}B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)}${units[unit] ?? ''}`;
}

/** `--json` → the object; text → `text()` lines. */
export function printResult(ctx: CliContext, value: unknown, text: () => string): void {
  if (ctx.options().json) printJson(ctx, value);
  else printLine(ctx, text());
}

/** `key   value` lines for one object (`show` commands). */
export function printPairs(ctx: CliContext, rows: readonly (readonly [string, string])[]): void {
  const width = Math.max(0, ...rows.map(([k]) => k.length));
  ctx.io.stdout(rows.map(([k, v]) => `${k.padEnd(width)}  ${safeText(v)}`).join('\n') + '\n');
}
