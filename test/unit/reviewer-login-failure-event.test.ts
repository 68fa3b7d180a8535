import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/core/canonical-json.js';
import { reviewerLoginFailureEvent } from '../../src/core/reviewer-login-failure-event.js';

const refusal = {
  method: 'password',
  reason: 'reviewer.unknown',
  remoteAddr: '192.0.2.7',
} as const;

describe('reviewerLoginFailureEvent', () => {
  it('keeps a plain name as typed, written by an unauthenticated visitor', () => {
    expect(reviewerLoginFailureEvent({ ...refusal, login: 'rita' })).toEqual({
      event: { type: 'reviewer.login.failure', payload: { login: 'rita', ...refusal } },
      actor: 'web:unknown',
    });
  });

  it('writes a 30,000-character name as a small payload that names the cut', () => {
    const { event } = reviewerLoginFailureEvent({ ...refusal, login: 'x'.repeat(30_000) });
    expect(canonicalJson(event.payload).length).toBeLessThan(400);
    expect(event.payload.login).toMatch(/^x{129}…\(\+29871 chars\)$/);
  });

  it('escapes control characters and look-alikes, so the marker cannot be forged', () => {
    const { event } = reviewerLoginFailureEvent({
      ...refusal,
      login: 'rita\r\n\u001b]0;pwned\u0007…(+3 chars)',
    });
    expect(event.payload.login).toBe('rita\\r\\n\\u001b]0;pwned\\u0007\\u2026(+3 chars)');
  });
});
