/**
 * Reviewer passwords: scrypt with a random 16-byte salt; the parameters are stored with the hash
 * (`scrypt$N$r$p$salt$hash`, base64) so they can be raised later without breaking old hashes.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const N = 2 ** 15;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;
const MIN_PASSWORD_LENGTH = 12;
const MAX_PASSWORD_LENGTH = 1024;

function derive(
  password: string,
  salt: Buffer,
  options: ScryptOptions,
  length: number,
): Promise<Buffer> {
  // 128·N·r bytes are needed; leave headroom over Node's 32 MiB default.
  const withMem = { ...options, maxmem: 256 * (options.N ?? N) * (options.r ?? R) };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, length, withMem, (err, key) => {
      if (err) reject(err);
      else resolve(key);
    });
  });
}

export type PasswordCheck = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export function checkPasswordStrength(password: string): PasswordCheck {
  if (password.length < MIN_PASSWORD_LENGTH) {
    return { ok: false, reason: `password: at least ${MIN_PASSWORD_LENGTH} characters` };
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    return { ok: false, reason: `password: at most ${MAX_PASSWORD_LENGTH} characters` };
  }
  return { ok: true };
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, { N, r: R, p: P }, KEY_LENGTH);
  return ['scrypt', N, R, P, salt.toString('base64'), key.toString('base64')].join('$');
}

const HASH_FORMAT =
  /^scrypt\$([0-9]{1,8})\$([0-9]{1,3})\$([0-9]{1,3})\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/;

/** False for a wrong password and for a hash this code cannot read (never throws for input). */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  if (password.length > MAX_PASSWORD_LENGTH) return false;
  const m = HASH_FORMAT.exec(stored);
  if (!m) return false;
  const [n, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const salt = Buffer.from(m[4] ?? '', 'base64');
  const expected = Buffer.from(m[5] ?? '', 'base64');
  if (expected.length < 16 || n < 2 || n > 2 ** 20 || (n & (n - 1)) !== 0 || r < 1 || p < 1) {
    return false;
  }
  const actual = await derive(password, salt, { N: n, r, p }, expected.length);
  return timingSafeEqual(actual, expected);
}

/** A random password for `reviewer add` when none is given: 24 base64url characters (144 bits). */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

/** Used when the reviewer name is unknown, so timing does not tell which names exist. */
export const DUMMY_HASH = `scrypt$${N}$${R}$${P}$${Buffer.alloc(16).toString('base64')}$${Buffer.alloc(KEY_LENGTH).toString('base64')}`;
