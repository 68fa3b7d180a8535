/**
 * serve's uploads of sealed recordings: at most `concurrency` at once, in the background; a
 * failed one is tried again with backoff until it is done (core/upload-outage.ts). The spool is
 * the queue's durable state: what is not uploaded at a stop is found again at the next start.
 */
import { errorMessage } from '../core/errors.js';
import type { Clock } from '../core/clock.js';
import { retryDelay } from '../core/notification-retry.js';
import {
  afterUploadFailure,
  HEALTHY,
  UPLOAD_RETRY_POLICY,
  type UploadHealth,
} from '../core/upload-outage.js';
import type { Logger } from '../logging/logger.js';

export type Upload = (relativePath: string, signal: AbortSignal) => Promise<void>;

export class UploadQueue {
  readonly #upload: Upload;
  readonly #concurrency: number;
  readonly #clock: Clock;
  readonly #logger: Logger;
  /** Queued, waiting for a retry or running. */
  readonly #pending = new Set<string>();
  readonly #ready: string[] = [];
  readonly #failures = new Map<string, number>();
  readonly #retries = new Set<NodeJS.Timeout>();
  readonly #running = new Set<Promise<void>>();
  readonly #abort = new AbortController();
  #health: UploadHealth = HEALTHY;

  constructor(upload: Upload, options: { concurrency: number; clock: Clock; logger: Logger }) {
    this.#upload = upload;
    this.#concurrency = options.concurrency;
    this.#clock = options.clock;
    this.#logger = options.logger;
  }

  get health(): UploadHealth {
    return this.#health;
  }

  /** How many recordings wait for their upload. */
  get size(): number {
    return this.#pending.size;
  }

  add(relativePath: string): void {
    if (this.#abort.signal.aborted || this.#pending.has(relativePath)) return;
    this.#pending.add(relativePath);
    this.#ready.push(relativePath);
    this.#pump();
  }

  /** Stops: running uploads are aborted, retries dropped (their recordings stay in the spool). */
  async close(): Promise<void> {
    this.#abort.abort();
    for (const t of this.#retries) clearTimeout(t);
    this.#retries.clear();
    await Promise.allSettled([...this.#running]);
  }

  #pump(): void {
    while (this.#running.size < this.#concurrency && !this.#abort.signal.aborted) {
      const next = this.#ready.shift();
      if (next === undefined) return;
      const run = this.#run(next).finally(() => {
        this.#running.delete(run);
        this.#pump();
      });
      this.#running.add(run);
    }
  }

  async #run(relativePath: string): Promise<void> {
    try {
      await this.#upload(relativePath, this.#abort.signal);
      this.#health = HEALTHY;
      this.#failures.delete(relativePath);
      this.#pending.delete(relativePath);
    } catch (err) {
      if (this.#abort.signal.aborted) return;
      const failures = (this.#failures.get(relativePath) ?? 0) + 1;
      this.#failures.set(relativePath, failures);
      const problem = errorMessage(err);
      this.#health = afterUploadFailure(this.#health, this.#clock.now(), problem);
      const delayMs = retryDelay(failures, UPLOAD_RETRY_POLICY, Math.random());
      this.#logger.warn(
        { path: relativePath, failures, delayMs, problem },
        'recording upload failed',
      );
      const timer = setTimeout(() => {
        this.#retries.delete(timer);
        this.#ready.push(relativePath);
        this.#pump();
      }, delayMs);
      this.#retries.add(timer);
    }
  }
}
