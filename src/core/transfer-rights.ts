/**
 * What a grant lets its user move through SFTP (issue 16): a direction, optionally path limits
 * (globs over absolute, normalised target paths) and a byte budget over all of the grant's
 * sessions. `none` is the default for every grant, shell grants included.
 *
 * Globs: `*` is any run of characters within one path segment, `?` one character of a segment,
 * `**` as a whole segment any number of segments (none too); everything else is literal. A path
 * is allowed when some glob matches it.
 */
import { UNPRINTABLE } from './untrusted-text.js';

export const TRANSFER_DIRECTIONS = ['none', 'download', 'upload', 'both'] as const;
export type TransferDirection = (typeof TRANSFER_DIRECTIONS)[number];

export interface TransferRights {
  readonly direction: TransferDirection;
  /** Globs the paths must match (empty: any path). */
  readonly paths: readonly string[];
  /** Bytes the grant may move (read plus written) over all its sessions; null: no budget. */
  readonly budgetBytes: number | null;
}

export const NO_TRANSFER: TransferRights = { direction: 'none', paths: [], budgetBytes: null };

/**
 * What an SFTP operation does to a path: `read` a file's bytes (download), `write` anything that
 * changes the target (open for writing, remove, rename, mkdir, rmdir, setstat, symlink: upload),
 * `look` at names and attributes (stat, realpath, opendir/readdir, readlink).
 */
export type TransferAccess = 'read' | 'write' | 'look';

export type TransferVerdict = { readonly ok: true } | { readonly ok: false; readonly why: string };

const ALLOWED: TransferVerdict = { ok: true };

export function transferAllowed(
  rights: TransferRights,
  access: TransferAccess,
  path: string,
): TransferVerdict {
  if (rights.direction === 'none') return { ok: false, why: 'this grant allows no file transfer' };
  if (access === 'read' && rights.direction === 'upload')
    return { ok: false, why: 'this grant allows uploads only' };
  if (access === 'write' && rights.direction === 'download')
    return { ok: false, why: 'this grant allows downloads only' };
  if (rights.paths.length === 0) return ALLOWED;
  if (rights.paths.some((glob) => pathGlobMatches(glob, path))) return ALLOWED;
  // Looking at the directories on the way to an allowed path lets a client `cd` there.
  if (access === 'look' && rights.paths.some((glob) => isAncestorOfGlob(path, glob)))
    return ALLOWED;
  return { ok: false, why: `${path} is outside the paths this grant allows` };
}

/**
 * Whether a folder's listing may show the entry `name`: the user may look at it. With path limits
 * a folder on the way to an allowed path lists only the entries on that way (and `.`, `..`).
 */
export function listedEntryAllowed(rights: TransferRights, dir: string, name: string): boolean {
  if (rights.paths.length === 0) return true;
  if (name === '' || name.includes('/')) return false;
  return transferAllowed(rights, 'look', normaliseTransferPath(dir, name)).ok;
}

/** An absolute path with `.`, `..` and repeated slashes resolved (no symlinks: that is the target's). */
export function normaliseTransferPath(cwd: string, path: string): string {
  const joined = path.startsWith('/') ? path : `${cwd}/${path}`;
  const out: string[] = [];
  for (const segment of joined.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') out.pop();
    else out.push(segment);
  }
  return `/${out.join('/')}`;
}

/** Path limits a grant may carry at most. */
export const MAX_TRANSFER_PATHS = 32;

/** Why rights cannot be a grant's (or a request's), as one line; null when they can. */
export function transferRightsProblem(rights: TransferRights): string | null {
  if (!TRANSFER_DIRECTIONS.includes(rights.direction))
    return `transfer ${JSON.stringify(rights.direction)} is not one of ${TRANSFER_DIRECTIONS.join(', ')}`;
  if (rights.direction === 'none' && (rights.paths.length > 0 || rights.budgetBytes !== null))
    return 'transfer paths and a transfer budget need a transfer direction other than none';
  if (rights.paths.length > MAX_TRANSFER_PATHS)
    return `at most ${MAX_TRANSFER_PATHS} transfer path limits`;
  for (const glob of rights.paths) {
    const problem = transferGlobProblem(glob);
    if (problem !== null) return problem;
  }
  const budget = rights.budgetBytes;
  if (budget !== null && (!Number.isSafeInteger(budget) || budget <= 0))
    return 'a transfer budget is a whole number of bytes above zero';
  return null;
}

/** Why a glob cannot be a path limit, or null when it can. */
export function transferGlobProblem(glob: string): string | null {
  if (!glob.startsWith('/')) return `path limit ${JSON.stringify(glob)} is not an absolute path`;
  if (glob.length > 1024) return 'a path limit is longer than 1024 characters';
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  if (/[\x00-\x1f\x7f]/.test(glob)) return 'a path limit holds a control character';
  // Bidi, zero-width and C1 characters: a limit a user asked for must read as what it is.
  if (UNPRINTABLE.test(glob))
    return 'a path limit holds an unprintable character (control, bidi or zero-width)';
  if (glob.split('/').some((s) => s === '.' || s === '..'))
    return `path limit ${JSON.stringify(glob)} holds . or ..`;
  return null;
}

export function pathGlobMatches(glob: string, path: string): boolean {
  return segmentsMatch(segmentsOf(glob), segmentsOf(path));
}

const segmentsOf = (path: string): string[] => path.split('/').filter((s) => s !== '');

/** Whether `path` is a directory that a glob's literal beginning passes through (or ends at). */
function isAncestorOfGlob(path: string, glob: string): boolean {
  const fixed: string[] = [];
  for (const s of segmentsOf(glob)) {
    if (/[*?]/.test(s)) break;
    fixed.push(s);
  }
  const dir = segmentsOf(path);
  return dir.length <= fixed.length && dir.every((s, i) => s === fixed[i]);
}

/** Segment lists matched with `**` as any run of segments (memoised: linear in their product). */
function segmentsMatch(glob: readonly string[], path: readonly string[]): boolean {
  const memo = new Map<number, boolean>();
  const at = (g: number, p: number): boolean => {
    const key = g * (path.length + 1) + p;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let result: boolean;
    if (g === glob.length) result = p === path.length;
    else if (glob[g] === '**') result = at(g + 1, p) || (p < path.length && at(g, p + 1));
    else result = p < path.length && segmentMatches(glob[g]!, path[p]!) && at(g + 1, p + 1);
    memo.set(key, result);
    return result;
  };
  return at(0, 0);
}

/** `*` and `?` within one segment, without backtracking blow-up (a two-row table). */
function segmentMatches(glob: string, text: string): boolean {
  let previous = new Array<boolean>(text.length + 1).fill(false);
  previous[0] = true;
  for (const ch of glob) {
    const next = new Array<boolean>(text.length + 1).fill(false);
    if (ch === '*') {
      let any = false;
      for (let i = 0; i <= text.length; i++) next[i] = any ||= previous[i]!;
    } else {
      for (let i = 1; i <= text.length; i++)
        next[i] = previous[i - 1]! && (ch === '?' || text[i - 1] === ch);
    }
    previous = next;
  }
  return previous[text.length]!;
}
