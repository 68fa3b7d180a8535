/**
 * The review page's form tokens (synchronizer tokens against CSRF, on top of the same-origin
 * check of auth.ts): every state-changing form of a logged-in account carries
 * HMAC-SHA256(session cookie token, label), and a post is accepted only when it matches.
 *
 * Keyed by the cookie's token itself, not a server secret: the token is the one secret the
 * browser already holds and the database does not (it keeps only its sha256), so someone who can
 * read the database or a backup cannot make form tokens, nodes sharing the database agree without
 * sharing a key, and a restart of serve leaves open forms valid. A new login is a new token.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The form field that carries the token. */
export const CSRF_FIELD = 'csrf';

const LABEL = 'gatehouse review form token v1';

export function csrfTokenOf(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update(LABEL, 'utf8').digest('base64url');
}

/** Whether `presented` is the session's form token (constant time). */
export function isCsrfToken(sessionToken: string, presented: string | null): boolean {
  if (presented === null) return false;
  const expected = Buffer.from(csrfTokenOf(sessionToken), 'utf8');
  const given = Buffer.from(presented, 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
