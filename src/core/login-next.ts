/**
 * Where the review page goes after login: the page that was asked for while logged out, carried
 * through the login form as `next`. Only a path on this same site is followed; anything else
 * (an absolute URL, `//host`, `/\host`, control characters, which browsers strip, so `/\t/host`
 * would become `//host`) falls back to the home page, so a crafted login link cannot send a
 * reviewer to another site.
 */

export const HOME_PATH = '/';

/** Longest `next` kept: a session page with a `#t=` or a filtered list fits easily. */
export const MAX_NEXT_CHARS = 1024;

/** Printable ASCII after one `/`, never a second `/` or `\` at the start, never a backslash. */
const SAME_SITE_PATH = /^\/(?![/\\])[!-~]*$/;

/** `text` when it is a same-site path other than the login pages themselves; else null. */
export function sameSitePath(text: string): string | null {
  if (text.length > MAX_NEXT_CHARS || !SAME_SITE_PATH.test(text) || text.includes('\\')) {
    return null;
  }
  // Back to a login or logout page would be a loop, not the page that was asked for.
  if (/^\/(login|logout)(?:[/?#]|$)/.test(text)) return null;
  return text;
}

/** Where a login lands: the asked-for page when it is a same-site path, else home. */
export const afterLoginPath = (next: string | null | undefined): string =>
  (next === null || next === undefined ? null : sameSitePath(next)) ?? HOME_PATH;
