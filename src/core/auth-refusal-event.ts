import { auditEvents, type AuditEventOf } from './audit-events.js';
import type { AuthFailureReason } from './audit-payloads.js';
import { actorOf, parseLogin } from './login.js';
import type { Actor } from './ports.js';
import { boundUntrusted } from './untrusted-text.js';

/** One refused authentication attempt, as the client sent it (nothing bounded yet). */
export interface AuthRefusal {
  /** The ssh user name, as sent: any length, any characters. */
  readonly login: string;
  readonly fingerprint: string | null;
  readonly reason: AuthFailureReason;
  readonly remoteAddr: string;
}

/**
 * The auth.failure event of a refusal, and who wrote it: the one place auth refusals become
 * events. Every text field is bounded (boundUntrusted), so a 30,000-character login name is
 * written as 129 escaped characters and `…(+29871 chars)`.
 */
export function authFailureEvent(refusal: AuthRefusal): {
  readonly event: AuditEventOf<'auth.failure'>;
  readonly actor: Actor;
} {
  const parsed = parseLogin(refusal.login);
  const bounded = (text: string | null): string | null =>
    text === null ? null : boundUntrusted(text);
  const event = auditEvents.authFailure({
    login: boundUntrusted(refusal.login),
    user: parsed.ok ? bounded(parsed.user) : null,
    target: parsed.ok ? bounded(parsed.target) : null,
    fingerprint: bounded(refusal.fingerprint),
    reason: refusal.reason,
    remoteAddr: boundUntrusted(refusal.remoteAddr),
  });
  return { event, actor: parsed.ok ? actorOf(parsed.user) : 'ssh:unknown' };
}
