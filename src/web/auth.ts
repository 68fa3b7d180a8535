/**
 * The review page's credentials on the wire: the session cookie (a random token in an HttpOnly,
 * SameSite=Strict cookie; Secure when the page is served over https), one-time login tokens, and
 * the same-origin rule for posts (CSRF: SameSite plus Origin).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const COOKIE_NAME = 'gatehouse_review';

export function readCookie(req: IncomingMessage, name: string): string | null {
  const header = req.headers.cookie;
  if (header === undefined) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      return /^[A-Za-z0-9_-]{43}$/.test(value) ? value : null;
    }
  }
  return null;
}

/** Secure: the browser sends the cookie over https only (the page's public URL is https). */
export interface CookieOptions {
  readonly secure: boolean;
  readonly maxAgeMs: number;
}

const attributes = (secure: boolean): string =>
  `HttpOnly; SameSite=Strict; Path=/${secure ? '; Secure' : ''}`;

export function sessionCookie(token: string, options: CookieOptions): string {
  const maxAge = Math.floor(options.maxAgeMs / 1000);
  return `${COOKIE_NAME}=${token}; ${attributes(options.secure)}; Max-Age=${maxAge}`;
}

export function clearedCookie(secure: boolean): string {
  return `${COOKIE_NAME}=; ${attributes(secure)}; Max-Age=0`;
}

/**
 * A state-changing request must say it comes from this very origin. Browsers send
 * Sec-Fetch-Site (which pages cannot forge); it is what counts when present, because with
 * Referrer-Policy: no-referrer a same-origin form post carries `Origin: null`. Without it the
 * Origin header must name this server, or the page's public origin (web.publicUrl). A request
 * with neither is refused.
 */
export function isSameOriginPost(req: IncomingMessage, publicOrigin: string | null): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined) return site === 'same-origin';
  const origin = req.headers.origin;
  const host = req.headers.host;
  if (origin === undefined) return false;
  return (host !== undefined && origin === `http://${host}`) || origin === publicOrigin;
}

/**
 * A random token with its sha256: one-time login links and session cookies carry the token, the
 * database keeps only the hash.
 */
export function newLoginToken(): { token: string; sha256: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, sha256: tokenSha256(token) };
}

export function tokenSha256(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export const isLoginTokenShape = (token: string): boolean => /^[A-Za-z0-9_-]{43}$/.test(token);
