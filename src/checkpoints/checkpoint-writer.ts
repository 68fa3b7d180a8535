/**
 * Writes signed checkpoints of the audit chain while `gatehouse serve` runs: whenever at least
 * `everyEvents` events follow the last checkpoint, or `everyMs` passed since it and the chain grew,
 * and once more at shutdown. It polls the chain head, so it also covers events the CLI appended
 * from another process. Each checkpoint is stored in the database and handed to the sinks; a
 * sink that fails is logged and audited (`checkpoint.sink.failure`) and never holds up the chain.
 */
import type { AuditCheckpoint } from '../core/audit-checkpoint.js';
import { auditEvents } from '../core/audit-events.js';
import type { Auditor } from '../core/auditor.js';
import type { Clock } from '../core/clock.js';
import { errorMessage, oneLine } from '../core/errors.js';
import type { Store } from '../core/ports.js';
import { signCheckpoint } from '../keys/checkpoint-signature.js';
import type { SigningKey } from '../keys/signing-key.js';
import type { Logger } from '../logging/logger.js';
import type { CheckpointSink } from './checkpoint-sink.js';

export interface CheckpointWriterDeps {
  readonly store: Pick<Store, 'audit' | 'checkpoints'>;
  /**
   * The host key as it is now, read for each checkpoint: after `keys rotate-host-key` a running
   * serve signs with the new key, since the retired one vouches for nothing dated after it.
   */
  readonly currentKey: () => Promise<SigningKey>;
  readonly sinks: readonly CheckpointSink[];
  readonly auditor: Auditor;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly everyEvents: number;
  readonly everyMs: number;
  /** How often the head is looked at (default 1 s). */
  readonly pollMs?: number;
  /** How long stop() waits for sinks still delivering (default 5 s). */
  readonly stopWaitMs?: number;
}

/** A failure as a log field and a checkpoint.sink.failure problem: one bounded line. */
const problemOf = (e: unknown): string => oneLine(errorMessage(e), 300);

/** How one sink's delivery ended: problem null when it arrived. */
export interface SinkDelivery {
  readonly sink: CheckpointSink['name'];
  readonly problem: string | null;
}

/**
 * Signs the current head now, hands it to the sinks (not waiting for them: `track` gets each
 * delivery, which never rejects) and stores it. Null when the chain is empty.
 */
export async function writeCheckpoint(
  deps: Pick<CheckpointWriterDeps, 'store' | 'sinks' | 'auditor' | 'clock' | 'logger'> & {
    readonly key: SigningKey;
  },
  actor: string,
  track: (delivery: Promise<SinkDelivery>) => void = () => undefined,
): Promise<AuditCheckpoint | null> {
  const head = await deps.store.audit.head();
  if (head === null) return null;
  const cp = signCheckpoint(head, deps.clock.now(), deps.key);
  // Sinks first: the external copy matters most when the database is the thing in trouble.
  for (const sink of deps.sinks) {
    track(
      sink.deliver(cp).then(
        () => ({ sink: sink.name, problem: null }),
        async (e: unknown) => {
          const problem = problemOf(e);
          deps.logger.error({ sink: sink.name, seq: cp.seq, problem }, 'checkpoint sink failed');
          await deps.auditor
            .record(
              auditEvents.checkpointSinkFailure({ sink: sink.name, seq: cp.seq, problem }),
              actor,
            )
            .catch(() => undefined);
          return { sink: sink.name, problem };
        },
      ),
    );
  }
  await deps.store.checkpoints.add(cp);
  deps.logger.info({ seq: cp.seq, keyId: cp.keyId }, 'audit checkpoint written');
  return cp;
}

export class CheckpointWriter {
  readonly #deps: CheckpointWriterDeps;
  readonly #startedAt: number;
  readonly #deliveries = new Set<Promise<unknown>>();
  #timer: NodeJS.Timeout | null = null;
  #turn: Promise<unknown> = Promise.resolve();

  constructor(deps: CheckpointWriterDeps) {
    this.#deps = deps;
    this.#startedAt = deps.clock.now();
  }

  /** Looks at the head now and then every pollMs. */
  start(): void {
    this.#timer = setInterval(() => void this.#next(false), this.#deps.pollMs ?? 1000);
    this.#timer.unref();
    void this.#next(false);
  }

  /** The shutdown checkpoint (when the chain grew since the last one), then waits for the sinks. */
  async stop(): Promise<void> {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    await this.#next(true);
    const pending = Promise.all(this.#deliveries);
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.#deps.stopWaitMs ?? 5000);
    });
    await Promise.race([pending, waited]);
    clearTimeout(timer);
    for (const sink of this.#deps.sinks) sink.close();
    await pending;
  }

  /** One look at a time, in order. */
  #next(atShutdown: boolean): Promise<void> {
    const turn = this.#turn.then(() => this.#maybeWrite(atShutdown));
    this.#turn = turn.catch(() => undefined);
    return turn;
  }

  async #maybeWrite(atShutdown: boolean): Promise<void> {
    const { store, clock, logger, everyEvents, everyMs } = this.#deps;
    try {
      const [head, last] = await Promise.all([store.audit.head(), store.checkpoints.latest()]);
      const covered = last?.seq ?? 0;
      if (head === null || head.seq <= covered) return;
      const since = last?.at ?? this.#startedAt;
      const due = atShutdown || head.seq - covered >= everyEvents || clock.now() - since >= everyMs;
      if (!due) return;
      const key = await this.#deps.currentKey();
      await writeCheckpoint({ ...this.#deps, key }, 'gatehouse', (d) => this.#track(d));
    } catch (e) {
      logger.error({ problem: problemOf(e) }, 'audit checkpoint not written');
    }
  }

  #track(delivery: Promise<SinkDelivery>): void {
    this.#deliveries.add(delivery);
    void delivery.then(() => this.#deliveries.delete(delivery));
  }
}
