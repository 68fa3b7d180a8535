import type { EpochMs } from './model.js';
import type { NewNotification, Notification, NotifiedEvent } from './notification.js';

/** The notification outbox (issue 14) and its cursor on the audit chain. */
export interface NotificationRepository {
  /**
   * In one transaction: up to `limit` notifiable events after the cursor, each turned into
   * outbox rows by `plan` (called inside the transaction: pure and quick), and the cursor moved
   * past them (to the chain head when fewer were found). `more`: a full page, look again.
   */
  enqueue(
    limit: number,
    plan: (event: NotifiedEvent) => readonly NewNotification[],
  ): Promise<{ readonly queued: number; readonly more: boolean }>;
  /**
   * In one transaction: up to `limit` pending rows due at `now`, oldest first, each with one more
   * attempt counted and leased until `leaseUntil` (then due again, should this process die).
   */
  claim(now: EpochMs, limit: number, leaseUntil: EpochMs): Promise<Notification[]>;
  delivered(id: number, now: EpochMs): Promise<void>;
  /** Due again at `at`; `problem` is one bounded line without the URL's secrets. */
  retryAt(id: number, at: EpochMs, problem: string): Promise<void>;
  failed(id: number, now: EpochMs, problem: string): Promise<void>;
  /** Rows not yet delivered nor failed. */
  pending(): Promise<number>;
  /** Deletes delivered and failed rows finished before `before`. */
  prune(before: EpochMs): Promise<void>;
}
