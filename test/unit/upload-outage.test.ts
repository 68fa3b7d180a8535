import { describe, expect, it } from 'vitest';
import { retryDelay } from '../../src/core/notification-retry.js';
import {
  afterUploadFailure,
  HEALTHY,
  storeOutage,
  UPLOAD_RETRY_POLICY,
} from '../../src/core/upload-outage.js';
import { T0 } from './core-fixtures.js';

describe('upload retries', () => {
  it('back off from 1 s, double, and stay at one minute, never giving up', () => {
    const delays = [1, 2, 3, 7, 8, 1000].map((n) => retryDelay(n, UPLOAD_RETRY_POLICY, 0.999999));
    expect(delays).toEqual([1000, 2000, 4000, 60_000, 60_000, 60_000]);
    expect(retryDelay(1, UPLOAD_RETRY_POLICY, 0)).toBe(500);
  });
});

describe('storeOutage', () => {
  const minute = 60_000;

  it('is null for a store no upload failed on', () => {
    expect(storeOutage(HEALTHY, T0, minute)).toBeNull();
  });

  it('counts from the first failure after a success, with the last problem', () => {
    const first = afterUploadFailure(HEALTHY, T0, 'connect ECONNREFUSED');
    const later = afterUploadFailure(first, T0 + 50_000, 'socket hang up');
    expect(later.failingSince).toBe(T0);
    expect(storeOutage(later, T0 + minute - 1, minute)).toBeNull();
    expect(storeOutage(later, T0 + minute + 5000, minute)).toBe(
      'recording uploads have failed for 1m5s (last: socket hang up)',
    );
  });

  it('is null again once an upload succeeded (health back to HEALTHY)', () => {
    const failing = afterUploadFailure(HEALTHY, T0, 'down');
    expect(storeOutage(failing, T0 + 2 * minute, minute)).not.toBeNull();
    expect(storeOutage(HEALTHY, T0 + 2 * minute, minute)).toBeNull();
  });
});
