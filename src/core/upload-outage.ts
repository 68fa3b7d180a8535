/**
 * Uploads of sealed recordings to the recording store (docs/recording-storage.md): when a failed
 * upload is tried again, and when the store counts as down for `strict` mode. Pure.
 */
import { formatTimeLeft } from './duration.js';
import type { EpochMs } from './model.js';
import type { RetryPolicy } from './notification-retry.js';

/** 1 s, 2 s, 4 s … then every minute, until the upload is done (never given up). */
export const UPLOAD_RETRY_POLICY: RetryPolicy = {
  firstDelayMs: 1000,
  maxDelayMs: 60_000,
  maxAttempts: Number.POSITIVE_INFINITY,
  maxAgeMs: Number.POSITIVE_INFINITY,
};

/** Whether uploads fail now: since when (no upload succeeded since) and the last problem. */
export interface UploadHealth {
  readonly failingSince: EpochMs | null;
  readonly lastProblem: string | null;
}

export const HEALTHY: UploadHealth = { failingSince: null, lastProblem: null };

/** A failed upload: failing since the first failure after the last success. */
export const afterUploadFailure = (
  h: UploadHealth,
  now: EpochMs,
  problem: string,
): UploadHealth => ({
  failingSince: h.failingSince ?? now,
  lastProblem: problem,
});

/**
 * Why the store counts as down at `now`: uploads have failed, none succeeding, for at least
 * `thresholdMs`; null otherwise (a store no upload has tried is presumed up).
 */
export function storeOutage(h: UploadHealth, now: EpochMs, thresholdMs: number): string | null {
  if (h.failingSince === null || now - h.failingSince < thresholdMs) return null;
  const last = h.lastProblem === null ? '' : ` (last: ${h.lastProblem})`;
  return `recording uploads have failed for ${formatTimeLeft(now - h.failingSince)}${last}`;
}
