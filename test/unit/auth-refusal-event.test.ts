import { describe, expect, it } from 'vitest';
import { authFailureEvent } from '../../src/core/auth-refusal-event.js';
import { canonicalJson } from '../../src/core/canonical-json.js';

const refusal = {
  fingerprint: 'SHA256:abc',
  reason: 'user.unknown',
  remoteAddr: '192.0.2.7',
} as const;

describe('authFailureEvent', () => {
  it('keeps a valid login as sent, with its user, target and actor', () => {
    expect(authFailureEvent({ ...refusal, login: 'alice+db1' })).toEqual({
      event: {
        type: 'auth.failure',
        payload: { login: 'alice+db1', user: 'alice', target: 'db1', ...refusal },
      },
      actor: 'user:alice',
    });
  });

  it('writes a 30,000-character login as a small payload that names the cut', () => {
    const { event, actor } = authFailureEvent({ ...refusal, login: 'x'.repeat(30_000) });
    expect(canonicalJson(event.payload).length).toBeLessThan(400);
    expect(event.payload.login).toMatch(/^x{129}…\(\+29871 chars\)$/);
    expect(event.payload.user).toBeNull();
    expect(actor).toBe('ssh:unknown');
  });

  it('escapes control characters in the login name', () => {
    const { event } = authFailureEvent({ ...refusal, login: 'root\r\n\u001b]0;pwned\u0007' });
    expect(event.payload.login).toBe('root\\r\\n\\u001b]0;pwned\\u0007');
  });
});
