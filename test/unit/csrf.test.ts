import { describe, expect, it } from 'vitest';
import { newLoginToken } from '../../src/web/auth.js';
import { csrfTokenOf, isCsrfToken } from '../../src/web/csrf.js';

describe('form tokens', () => {
  const session = newLoginToken();

  it('is one token per session, the same at every page view, and not the cookie or its hash', () => {
    const token = csrfTokenOf(session.token);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(csrfTokenOf(session.token)).toBe(token);
    expect(csrfTokenOf(newLoginToken().token)).not.toBe(token);
    expect(token).not.toBe(session.token);
    expect(token).not.toContain(session.sha256.slice(0, 16));
  });

  it('accepts only the exact token of that session', () => {
    const token = csrfTokenOf(session.token);
    expect(isCsrfToken(session.token, token)).toBe(true);
    for (const wrong of [null, '', token.slice(1), `${token}x`, token.toLowerCase(), session.token])
      expect(isCsrfToken(session.token, wrong), String(wrong)).toBe(false);
    expect(isCsrfToken(newLoginToken().token, token)).toBe(false);
    // Made from the stored hash instead of the cookie's secret: refused.
    expect(isCsrfToken(session.token, csrfTokenOf(session.sha256))).toBe(false);
  });
});
