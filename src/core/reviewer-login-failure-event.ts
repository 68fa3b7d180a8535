import { auditEvents, type AuditEventOf } from './audit-events.js';
import type { ReviewerLoginFailureReason, ReviewerLoginMethod } from './audit-payloads.js';
import type { Actor } from './ports.js';
import { UNKNOWN_WEB_ACTOR } from './reviewer.js';
import { boundUntrusted } from './untrusted-text.js';

/** One failed review page login, as the client sent it (nothing bounded yet). */
export interface ReviewerLoginRefusal {
  /** The name typed in the form: unauthenticated, any characters, up to the form's size cap. */
  readonly login: string;
  readonly method: ReviewerLoginMethod;
  readonly reason: ReviewerLoginFailureReason;
  readonly remoteAddr: string;
}

/**
 * The reviewer.login.failure event of a refused login, and who wrote it (an unauthenticated
 * visitor): the one place these become events. Text fields are bounded by the rule ssh refusals
 * follow (core/auth-refusal-event.ts): escaped, at most 129 characters and `…(+N chars)`.
 */
export function reviewerLoginFailureEvent(refusal: ReviewerLoginRefusal): {
  readonly event: AuditEventOf<'reviewer.login.failure'>;
  readonly actor: Actor;
} {
  const event = auditEvents.reviewerLoginFailure({
    login: boundUntrusted(refusal.login),
    method: refusal.method,
    reason: refusal.reason,
    remoteAddr: boundUntrusted(refusal.remoteAddr),
  });
  return { event, actor: UNKNOWN_WEB_ACTOR };
}
