/**
 * Reviewer sessions of the review page, kept in the store (core/ports.ts ReviewerLoginRepository):
 * they survive a restart of `serve` and are shared by every node; the database holds only the
 * sha256 of a cookie's token. A session ends after `idleMs` unused or `maxAgeMs` after login.
 */
import type { IncomingMessage } from 'node:http';
import type { ReviewerLoginMethod } from '../core/audit-payloads.js';
import type { Clock } from '../core/clock.js';
import type { Store } from '../core/ports.js';
import type { Reviewer } from '../core/reviewer.js';
import type { ReviewerSessionTimeouts } from '../core/reviewer-login.js';
import {
  clearedCookie,
  COOKIE_NAME,
  newLoginToken,
  readCookie,
  sessionCookie,
  tokenSha256,
} from './auth.js';
import { csrfTokenOf, isCsrfToken } from './csrf.js';

export interface ReviewerSessionSettings {
  readonly timeouts: ReviewerSessionTimeouts;
  /** Cookies only over https (web.publicUrl is https). */
  readonly secureCookie: boolean;
}

const cookieHash = (req: IncomingMessage): string | null => {
  const token = readCookie(req, COOKIE_NAME);
  return token === null ? null : tokenSha256(token);
};

/** The form token of the request's session cookie (web/csrf.ts); null without a cookie. */
export const formTokenOf = (req: IncomingMessage): string | null => {
  const token = readCookie(req, COOKIE_NAME);
  return token === null ? null : csrfTokenOf(token);
};

/** Whether `presented` is the form token of the request's session cookie. */
export const isFormTokenOf = (req: IncomingMessage, presented: string | null): boolean => {
  const token = readCookie(req, COOKIE_NAME);
  return token !== null && isCsrfToken(token, presented);
};

export class ReviewerSessions {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly settings: ReviewerSessionSettings,
  ) {}

  /**
   * Starts a session (audited reviewer.login) and returns its Set-Cookie value. A fresh token at
   * every login, and the request's old session ended: a cookie planted before login is worth
   * nothing after it.
   */
  async start(
    req: IncomingMessage,
    reviewer: Reviewer,
    method: ReviewerLoginMethod,
    remoteAddr: string,
  ): Promise<string> {
    const { token, sha256 } = newLoginToken();
    await this.store.reviewerLogins.startSession(
      { tokenSha256: sha256, reviewer, method, remoteAddr, replaces: cookieHash(req) },
      this.clock.now(),
      this.settings.timeouts,
    );
    return sessionCookie(token, {
      secure: this.settings.secureCookie,
      maxAgeMs: this.settings.timeouts.maxAgeMs,
    });
  }

  /** The reviewer of the request's cookie, or null (no cookie, unknown, idle or too old). */
  current(req: IncomingMessage): Promise<Reviewer | null> {
    const hash = cookieHash(req);
    if (hash === null) return Promise.resolve(null);
    return this.store.reviewerLogins.findSession(hash, this.clock.now(), this.settings.timeouts);
  }

  /** Ends the request's session (audited reviewer.logout); returns the cookie that clears it. */
  async end(req: IncomingMessage): Promise<string> {
    const hash = cookieHash(req);
    if (hash !== null) await this.store.reviewerLogins.endSession(hash);
    return clearedCookie(this.settings.secureCookie);
  }
}
