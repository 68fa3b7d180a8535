/**
 * When a webhook delivery that failed is tried again: exponential backoff with jitter, bounded in
 * attempts and in age. Pure; `random` is in [0, 1).
 */
import type { EpochMs } from './model.js';

export interface RetryPolicy {
  /** The delay before the second attempt; it doubles per attempt up to maxDelayMs. */
  readonly firstDelayMs: number;
  readonly maxDelayMs: number;
  /** Attempts in all, the first included; then the message is marked failed. */
  readonly maxAttempts: number;
  /** A message older than this is not tried again. */
  readonly maxAgeMs: number;
}

/** Retries after 10 s, 20 s, … 10 min 40 s, then every 15 min: at most about 3.5 hours. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  firstDelayMs: 10_000,
  maxDelayMs: 15 * 60_000,
  maxAttempts: 20,
  maxAgeMs: 24 * 3_600_000,
};

/**
 * The delay after the `attempts`-th failed attempt (1, 2, …): half of the doubled delay fixed,
 * the other half random, so receivers coming back are not hit by every sender at once.
 */
export function retryDelay(attempts: number, policy: RetryPolicy, random: number): number {
  const exponent = Math.min(Math.max(attempts, 1) - 1, 30);
  const full = Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** exponent);
  return Math.round(full / 2 + (full / 2) * random);
}

export type RetryDecision =
  | { readonly retry: true; readonly at: EpochMs }
  | { readonly retry: false; readonly why: 'attempts' | 'age' };

/** After a failed attempt: when to try again, or why not. */
export function afterFailure(
  message: { readonly attempts: number; readonly createdAt: EpochMs },
  now: EpochMs,
  policy: RetryPolicy,
  random: number,
): RetryDecision {
  if (message.attempts >= policy.maxAttempts) return { retry: false, why: 'attempts' };
  const at = now + retryDelay(message.attempts, policy, random);
  if (at - message.createdAt > policy.maxAgeMs) return { retry: false, why: 'age' };
  return { retry: true, at };
}
