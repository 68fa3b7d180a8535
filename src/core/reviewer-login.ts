/**
 * Reviewer login on the review page: the password-guessing brake and the source address it counts
 * by (what an unauthenticated client typed is bounded in core/reviewer-login-failure-event.ts).
 *
 * Every password check is reserved before it runs (one store transaction counts the recent
 * failures and records the attempt), so parallel guesses cannot all pass the check before one is
 * counted; a right password takes its reservation back. A source is held to fewer failures, for
 * longer, than an account: one address can never lock a reviewer out, and the account's own
 * window is short, so locking an account takes failures from many addresses, renewed every few
 * minutes. One-time login links are never throttled (their tokens cannot be guessed): an admin
 * can always let a reviewer in with `gatehouse reviewer link`.
 */

export interface ThrottleLimit {
  /** Failures allowed within the window; the next attempt is refused before any check. */
  readonly failures: number;
  readonly windowMs: number;
}

export interface LoginThrottlePolicy {
  readonly perSource: ThrottleLimit;
  readonly perAccount: ThrottleLimit;
}

const MINUTE = 60_000;

export const LOGIN_THROTTLE: LoginThrottlePolicy = {
  perSource: { failures: 5, windowMs: 15 * MINUTE },
  perAccount: { failures: 10, windowMs: 5 * MINUTE },
};

/** Which limit refuses an attempt. */
export type ThrottleScope = 'source' | 'account';

/**
 * Failures counted within each window (account: null when the typed name cannot be an account)
 * → the limit that refuses the next attempt, or null when it may be checked.
 */
export function throttledBy(
  recent: { readonly source: number; readonly account: number | null },
  policy: LoginThrottlePolicy,
): ThrottleScope | null {
  if (recent.source >= policy.perSource.failures) return 'source';
  if (recent.account !== null && recent.account >= policy.perAccount.failures) return 'account';
  return null;
}

/** The longest window: older attempts count for nothing and may be deleted. */
export const throttleHorizonMs = (policy: LoginThrottlePolicy): number =>
  Math.max(policy.perSource.windowMs, policy.perAccount.windowMs);

const IPV4_MAPPED = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/**
 * The source an attempt is counted against: an IPv4 address, or the /64 network of an IPv6 one
 * (one host usually holds a whole /64, so counting single addresses would not count at all).
 */
export function loginSource(remoteAddress: string | undefined): string {
  if (remoteAddress === undefined || remoteAddress === '') return 'unknown';
  const mapped = IPV4_MAPPED.exec(remoteAddress);
  if (mapped?.[1] !== undefined) return mapped[1];
  if (!remoteAddress.includes(':')) return remoteAddress;
  const [head = '', tail] = (remoteAddress.split('%')[0] ?? '').split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros =
    tail === undefined
      ? []
      : new Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0');
  const prefix = [...left, ...zeros, ...right]
    .slice(0, 4)
    .map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''));
  return `${prefix.join(':')}::/64`;
}

export interface ReviewerSessionTimeouts {
  /** A session unused this long is over. */
  readonly idleMs: number;
  /** A session this old is over, however busy. */
  readonly maxAgeMs: number;
}
