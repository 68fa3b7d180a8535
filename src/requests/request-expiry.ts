/**
 * serve's sweep of pending access requests past their deadline (issue 14): every few seconds
 * `store.requests.expireDue` marks them expired, each with its request.expired event (actor
 * `gatehouse`). Each sweep is one short write transaction beside the logins, never in their way;
 * one that fails is logged and the next tick tries again. A full batch is followed at once by
 * the next, so a backlog drains without waiting a tick per hundred.
 */
import type { Clock } from '../core/clock.js';
import { errorMessage, oneLine } from '../core/errors.js';
import type { RequestRepository } from '../core/ports.js';
import type { Logger } from '../logging/logger.js';

export interface RequestExpiryDeps {
  readonly requests: Pick<RequestRepository, 'expireDue'>;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Time between sweeps (default 5 s). */
  readonly everyMs?: number;
  /** Requests expired per transaction (default 100). */
  readonly batch?: number;
}

export class RequestExpiry {
  readonly #deps: RequestExpiryDeps;
  readonly #everyMs: number;
  readonly #batch: number;
  #timer: NodeJS.Timeout | null = null;
  #sweeping: Promise<void> = Promise.resolve();
  #stopped = false;

  constructor(deps: RequestExpiryDeps) {
    this.#deps = deps;
    this.#everyMs = deps.everyMs ?? 5_000;
    this.#batch = deps.batch ?? 100;
  }

  /** Sweeps now, then every `everyMs` after the previous sweep ends. */
  start(): void {
    this.#schedule(0);
  }

  /** No sweep starts after this; resolves when the one under way (if any) has ended. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#sweeping;
  }

  /** One sweep: how many requests it expired (0 when it failed; the failure is logged). */
  async sweep(): Promise<number> {
    const { requests, clock, logger } = this.#deps;
    try {
      const expired = await requests.expireDue(clock.now(), this.#batch);
      if (expired.length > 0)
        logger.info({ requestIds: expired.map((r) => r.id) }, 'pending access requests expired');
      return expired.length;
    } catch (e) {
      logger.error({ problem: oneLine(errorMessage(e), 300) }, 'request expiry sweep failed');
      return 0;
    }
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#sweeping = this.sweep().then((count) =>
        this.#schedule(count >= this.#batch ? 0 : this.#everyMs),
      );
    }, delayMs);
    this.#timer.unref();
  }
}
