import type { CliContext } from './context.js';
import { requireCount } from './validate.js';

/**
 * Lists (sessions, grants, requests, audit events) show the newest first, at most `--limit` of
 * them; when older rows were left out a note on stderr says so, keeping stdout (and `--json`'s
 * array) for the rows alone.
 */

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 1_000_000;

export const LIMIT_HELP = `at most this many, newest first (default ${DEFAULT_LIMIT})`;

/** `max` where a store caps what it reads (one more than shown is fetched). */
export function requireLimit(value: string | undefined, max = MAX_LIMIT): number {
  return value === undefined ? DEFAULT_LIMIT : requireCount('--limit', value, max);
}

/** How many to fetch: one more than shown tells whether older rows exist. */
export const fetchCount = (limit: number): number => limit + 1;

/** The rows to show of a newest-first fetch of `fetchCount(limit)`, and whether more exist. */
export function newest<T>(fetched: readonly T[], limit: number): { rows: T[]; more: boolean } {
  return { rows: fetched.slice(0, limit), more: fetched.length > limit };
}

export function noteOlder(ctx: CliContext, more: boolean, limit: number, noun: string): void {
  if (more) {
    ctx.io.stderr(
      `gatehouse: showing the newest ${limit} ${noun}; older ones exist (raise --limit to see them)\n`,
    );
  }
}
