/**
 * Reviewer login sessions: a random id in an HttpOnly, SameSite=Strict cookie, mapped server side
 * to the reviewer with an expiry. Posts must come from this origin (CSRF: SameSite plus Origin).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Clock } from '../core/clock.js';

export const COOKIE_NAME = 'gatehouse_review';
export const SESSION_TTL_MS = 8 * 60 * 60 * 1000;
const MAX_SESSIONS = 10_000;

export interface ReviewerLogin {
  readonly reviewerId: number;
  readonly name: string;
  readonly expiresAt: number;
}

/** In memory: a restart logs every reviewer out, which is the safe direction. */
export class LoginSessions {
  readonly #byId = new Map<string, ReviewerLogin>();

  constructor(private readonly clock: Clock) {}

  create(reviewerId: number, name: string): { id: string; login: ReviewerLogin } {
    this.#sweep();
    if (this.#byId.size >= MAX_SESSIONS) {
      const oldest = this.#byId.keys().next();
      if (oldest.done !== true) this.#byId.delete(oldest.value);
    }
    const id = randomBytes(32).toString('base64url');
    const login = { reviewerId, name, expiresAt: this.clock.now() + SESSION_TTL_MS };
    this.#byId.set(id, login);
    return { id, login };
  }

  /** The reviewer of the request's cookie, or null (no cookie, unknown, expired). */
  fromRequest(req: IncomingMessage): { id: string; login: ReviewerLogin } | null {
    const id = readCookie(req, COOKIE_NAME);
    if (id === null) return null;
    const login = this.#byId.get(id);
    if (!login) return null;
    if (login.expiresAt <= this.clock.now()) {
      this.#byId.delete(id);
      return null;
    }
    return { id, login };
  }

  destroy(id: string): void {
    this.#byId.delete(id);
  }

  #sweep(): void {
    const now = this.clock.now();
    for (const [id, login] of this.#byId) if (login.expiresAt <= now) this.#byId.delete(id);
  }
}

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

export function sessionCookie(id: string): string {
  return `${COOKIE_NAME}=${id}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${SESSION_TTL_MS / 1000}`;
}

export function clearedCookie(): string {
  return `${COOKIE_NAME}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`;
}

/**
 * A state-changing request must say it comes from this very origin. Browsers send
 * Sec-Fetch-Site (which pages cannot forge); it is what counts when present, because with
 * Referrer-Policy: no-referrer a same-origin form post carries `Origin: null`. Without it the
 * Origin header must name this server. A request with neither is refused.
 */
export function isSameOriginPost(req: IncomingMessage): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined) return site === 'same-origin';
  const origin = req.headers.origin;
  const host = req.headers.host;
  return origin !== undefined && host !== undefined && origin === `http://${host}`;
}

/** One-time login tokens: the URL carries the token, the database only its sha256. */
export function newLoginToken(): { token: string; sha256: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, sha256: tokenSha256(token) };
}

export function tokenSha256(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export const isLoginTokenShape = (token: string): boolean => /^[A-Za-z0-9_-]{43}$/.test(token);

const THROTTLE_WINDOW_MS = 15 * 60 * 1000;
const THROTTLE_FAILURES = 10;

/**
 * Password guessing brake: after 10 failed logins for a name within 15 minutes, that name is
 * refused (even with the right password) until the window has passed. Per name, as every
 * loopback client shares one address.
 */
export class LoginThrottle {
  readonly #failures = new Map<string, number[]>();

  constructor(private readonly clock: Clock) {}

  blocked(name: string): boolean {
    return this.#recent(name).length >= THROTTLE_FAILURES;
  }

  fail(name: string): void {
    const recent = this.#recent(name);
    recent.push(this.clock.now());
    this.#failures.set(name, recent);
    if (this.#failures.size > MAX_SESSIONS) {
      const oldest = this.#failures.keys().next();
      if (oldest.done !== true) this.#failures.delete(oldest.value);
    }
  }

  succeed(name: string): void {
    this.#failures.delete(name);
  }

  #recent(name: string): number[] {
    const since = this.clock.now() - THROTTLE_WINDOW_MS;
    return (this.#failures.get(name) ?? []).filter((t) => t > since);
  }
}
