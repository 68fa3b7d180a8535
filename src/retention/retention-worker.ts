/**
 * serve's retention (issue 17, docs/retention.md): when `recordings.retention` is set, prunes at
 * start and then once a day after the previous run ended, as actor `gatehouse`. A stop ends a run
 * between two recordings (each is whole: pruned and removed, or reported), so shutdown never
 * waits for a large backlog.
 */
import { DAY } from '../core/duration.js';
import { errorMessage, oneLine } from '../core/errors.js';
import type { Logger } from '../logging/logger.js';
import { pruneRecordings, totalsOf, type PruneDeps, type PruneStep } from './prune-recordings.js';

export interface RetentionWorkerDeps extends Omit<PruneDeps, 'actor'> {
  readonly logger: Logger;
  /** Time between runs (default one day). */
  readonly everyMs?: number;
}

export class RetentionWorker {
  readonly #deps: RetentionWorkerDeps;
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> = Promise.resolve();
  #stopped = false;

  constructor(deps: RetentionWorkerDeps) {
    this.#deps = deps;
  }

  /** Runs now, then every `everyMs` after the previous run ends. */
  start(): void {
    this.#schedule(0);
  }

  /** No run starts after this, and the one under way ends after its current recording. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#running;
  }

  /** One run; its failures are logged, never thrown. */
  async run(): Promise<void> {
    const { logger } = this.#deps;
    const steps: PruneStep[] = [];
    try {
      for await (const step of pruneRecordings({ ...this.#deps, actor: 'gatehouse' })) {
        steps.push(step);
        if (step.status === 'failed')
          logger.warn(
            { sessionId: step.sessionId, problem: oneLine(step.problem, 300) },
            'recording prune failed',
          );
        if (this.#stopped) break;
      }
    } catch (e) {
      logger.error({ problem: oneLine(errorMessage(e), 300) }, 'recording prune run failed');
    }
    const totals = totalsOf(steps);
    if (steps.length > 0) logger.info(totals, 'recordings pruned by retention');
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#running = this.run().then(() => this.#schedule(this.#deps.everyMs ?? DAY));
    }, delayMs);
    this.#timer.unref();
  }
}
