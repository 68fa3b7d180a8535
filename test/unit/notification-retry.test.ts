import { describe, expect, it } from 'vitest';
import {
  afterFailure,
  DEFAULT_RETRY_POLICY,
  retryDelay,
  type RetryPolicy,
} from '../../src/core/notification-retry.js';
import { T0 } from './core-fixtures.js';

/** Webhook retries: exponential backoff with jitter, bounded in attempts and age. */

const policy: RetryPolicy = {
  firstDelayMs: 1000,
  maxDelayMs: 8000,
  maxAttempts: 5,
  maxAgeMs: 60_000,
};

describe('retryDelay', () => {
  it('doubles per attempt up to the maximum; jitter spans the upper half of each step', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => retryDelay(n, policy, 0))).toEqual([
      500, 1000, 2000, 4000, 4000, 4000,
    ]);
    expect([1, 2, 3, 4, 5, 6].map((n) => retryDelay(n, policy, 0.999999))).toEqual([
      1000, 2000, 4000, 8000, 8000, 8000,
    ]);
  });

  it('stays finite for absurd attempt counts', () => {
    expect(retryDelay(10_000, DEFAULT_RETRY_POLICY, 0.5)).toBe(675_000);
  });
});

describe('afterFailure', () => {
  it('retries later until the attempts are used up', () => {
    expect(afterFailure({ attempts: 1, createdAt: T0 }, T0, policy, 0)).toEqual({
      retry: true,
      at: T0 + 500,
    });
    expect(afterFailure({ attempts: 4, createdAt: T0 }, T0 + 5000, policy, 0)).toEqual({
      retry: true,
      at: T0 + 9000,
    });
    expect(afterFailure({ attempts: 5, createdAt: T0 }, T0 + 5000, policy, 0)).toEqual({
      retry: false,
      why: 'attempts',
    });
  });

  it('gives up when the next attempt would be later than the maximum age', () => {
    expect(afterFailure({ attempts: 2, createdAt: T0 }, T0 + 58_000, policy, 0)).toEqual({
      retry: true,
      at: T0 + 59_000,
    });
    expect(afterFailure({ attempts: 2, createdAt: T0 }, T0 + 59_500, policy, 0)).toEqual({
      retry: false,
      why: 'age',
    });
  });

  it('the default policy retries for hours, not forever', () => {
    let now = T0;
    let attempts = 1;
    for (;;) {
      const next = afterFailure({ attempts, createdAt: T0 }, now, DEFAULT_RETRY_POLICY, 1 - 1e-9);
      if (!next.retry) break;
      now = next.at;
      attempts += 1;
    }
    expect(attempts).toBe(20);
    expect((now - T0) / 3_600_000).toBeGreaterThan(3);
    expect((now - T0) / 3_600_000).toBeLessThan(3.5);
  });
});
