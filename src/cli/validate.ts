import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { ACCOUNT_NAME } from '../core/admin-actor.js';
import { parseDuration } from '../core/duration.js';
import { GatehouseError } from '../core/errors.js';
import { checkName, quoteForMessage, type NameKind } from '../core/names.js';
import { parseTimestamp } from '../core/timestamp.js';
import { UNPRINTABLE } from '../core/untrusted-text.js';
import { parsePublicKey, type PublicKey } from '../keys/public-key.js';

/**
 * Checks of command-line values, done before the store is opened. A value that is wrong by
 * itself (format, size, an unreadable file named on the command line) is a usage error: exit 2.
 */

export const usage = (message: string): GatehouseError => new GatehouseError('usage', message);

/** A user or target name; `field` is the option it came from (`--user`), none for an argument. */
export function requireName(kind: NameKind, value: string, field?: string): string {
  const check = checkName(kind, value);
  if (!check.ok) throw usage(field === undefined ? check.message : `${field}: ${check.message}`);
  return value;
}

/** Free text (title, reference, reason): one printable line, bounded. */
export function requireText(field: string, value: string, max = 500): string {
  if (value.trim() === '') throw usage(`${field}: must not be empty`);
  if (UNPRINTABLE.test(value)) {
    throw usage(
      `${field}: ${quoteForMessage(value)} contains unprintable characters (control, bidi or zero-width)`,
    );
  }
  if (Array.from(value).length > max) throw usage(`${field}: longer than ${max} characters`);
  return value;
}

/** A positive integer id (grant, NDA). */
export function requireId(field: string, value: string): number {
  if (!/^[1-9][0-9]{0,14}$/.test(value))
    throw usage(`${field}: ${quoteForMessage(value)} is not an id (a positive whole number)`);
  return Number(value);
}

export function requireCount(field: string, value: string, max: number): number {
  if (!/^[1-9][0-9]{0,9}$/.test(value) || Number(value) > max) {
    throw usage(`${field}: ${quoteForMessage(value)} must be a whole number from 1 to ${max}`);
  }
  return Number(value);
}

export function requirePort(field: string, value: string): number {
  if (!/^[1-9][0-9]{0,4}$/.test(value) || Number(value) > 65535) {
    throw usage(`${field}: ${quoteForMessage(value)} is not a port (1-65535)`);
  }
  return Number(value);
}

/** A host name or IP address for a target: no user@, no scheme, no spaces. */
export function requireHost(field: string, value: string): string {
  const hostname =
    /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;
  const ipv6 = /^[0-9A-Fa-f:.]{2,45}$/;
  if (!hostname.test(value) && !(value.includes(':') && ipv6.test(value))) {
    throw usage(`${field}: ${quoteForMessage(value)} is not a host name or IP address`);
  }
  return value;
}

/** The login name on the target: a POSIX user name. */
export function requireLogin(field: string, value: string): string {
  if (!/^[a-z_][a-z0-9_.-]{0,31}$/.test(value)) {
    throw usage(
      `${field}: ${quoteForMessage(value)} is not a login name (lower case, up to 32 characters)`,
    );
  }
  return value;
}

export function requireDuration(field: string, value: string): number {
  const parsed = parseDuration(value);
  if (!parsed.ok) throw usage(`${field}: ${parsed.message}`);
  return parsed.ms;
}

/** A time (2026-11-01T18:00Z) or a duration back from `now` (2h, 1h30m): `--since`, `--until`. */
export function requireTimeOrAgo(field: string, value: string, now: number): number {
  const d = parseDuration(value);
  if (d.ok) return now - d.ms;
  const t = parseTimestamp(value);
  if (t.ok) return t.ms;
  throw usage(
    `${field}: ${quoteForMessage(value)} is neither a time (2026-11-01, 2026-11-01T18:00Z) nor a duration (90s, 45m, 2h, 7d, 1h30m)`,
  );
}

export function requireTime(field: string, value: string): number {
  const parsed = parseTimestamp(value);
  if (!parsed.ok) throw usage(`${field}: ${parsed.message}`);
  return parsed.ms;
}

export function requireFingerprint(field: string, value: string): string {
  if (!/^SHA256:[A-Za-z0-9+/]{43}$/.test(value)) {
    throw usage(
      `${field}: ${quoteForMessage(value)} is not a key fingerprint (SHA256:... as ssh-keygen -l prints it)`,
    );
  }
  return value;
}

export function requireKeyText(field: string, text: string): PublicKey {
  const parsed = parsePublicKey(text);
  if (!parsed.ok) throw usage(`${field}: ${parsed.message}`);
  return parsed.key;
}

const MAX_KEY_FILE = 64 * 1024;

function fileProblem(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'is a folder';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return `cannot read (${code ?? 'error'})`;
}

/** A user key from exactly one of `--key TEXT` and `--key-file FILE`. */
export async function keyFromOptions(opts: {
  readonly key?: string;
  readonly keyFile?: string;
}): Promise<PublicKey> {
  if (opts.key !== undefined && opts.keyFile !== undefined)
    throw usage('--key, --key-file: give only one of them');
  if (opts.key !== undefined) return requireKeyText('--key', opts.key);
  if (opts.keyFile === undefined) throw usage('--key or --key-file: a public key is required');
  const field = `--key-file ${quoteForMessage(opts.keyFile)}`;
  let text: string;
  try {
    const info = await stat(opts.keyFile);
    if (info.isFile() && info.size > MAX_KEY_FILE)
      throw usage(`${field}: too large for a public key file`);
    text = await readFile(opts.keyFile, 'utf8');
  } catch (e) {
    if (e instanceof GatehouseError) throw e;
    throw usage(`${field}: ${fileProblem(e)}`);
  }
  return requireKeyText(field, text);
}

/** Hex sha256 of a file named on the command line. */
export async function fileSha256(field: string, file: string): Promise<string> {
  try {
    const info = await stat(file);
    if (!info.isFile()) throw usage(`${field} ${quoteForMessage(file)}: not a regular file`);
  } catch (e) {
    if (e instanceof GatehouseError) throw e;
    throw usage(`${field} ${quoteForMessage(file)}: ${fileProblem(e)}`);
  }
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  } catch (e) {
    throw usage(`${field} ${quoteForMessage(file)}: ${fileProblem(e)}`);
  }
  return hash.digest('hex');
}

const MAX_PATTERN_BYTES = 1024;
const MAX_PATTERNS = 200;

/** Basic allowlist pattern sanity; the pattern language itself is checked by a later issue. */
export function requirePatterns(field: string, patterns: readonly string[]): string[] {
  if (patterns.length > MAX_PATTERNS) throw usage(`${field}: at most ${MAX_PATTERNS} patterns`);
  for (const p of patterns) {
    if (p.trim() === '') throw usage(`${field}: a pattern must not be empty`);
    if (Buffer.byteLength(p) > MAX_PATTERN_BYTES)
      throw usage(`${field}: pattern longer than ${MAX_PATTERN_BYTES} bytes`);
    if (!/^[\x20-\x7e]+$/.test(p))
      throw usage(`${field}: ${quoteForMessage(p)} must be printable ASCII`);
  }
  return [...new Set(patterns)];
}

/** `--actor` or `SUDO_USER`: one plain word, so it cannot imitate the rest of an actor. */
export function requireAccountName(field: string, value: string): string {
  if (!ACCOUNT_NAME.test(value)) {
    throw usage(
      `${field}: ${quoteForMessage(value)} must be a plain account name (letters, digits, . _ @ -)`,
    );
  }
  return value;
}
