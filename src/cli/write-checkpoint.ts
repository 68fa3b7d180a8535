/**
 * A checkpoint written from the CLI (`audit checkpoint`, `evidence export`, `keys rotate-host-key`):
 * signed now, stored, and sent to the configured sinks.
 */
import { StoreAuditor } from '../adapters/store-auditor.js';
import { checkpointSinks } from '../checkpoints/checkpoint-sinks.js';
import { writeCheckpoint, type SinkDelivery } from '../checkpoints/checkpoint-writer.js';
import type { Config } from '../config/load-config.js';
import type { AuditCheckpoint } from '../core/audit-checkpoint.js';
import type { Clock } from '../core/clock.js';
import type { Store } from '../core/ports.js';
import type { SigningKey } from '../keys/signing-key.js';
import { silentLogger } from '../logging/logger.js';

/** The CLI waits for the webhook in front of the admin: fewer, shorter retries than serve. */
const CLI_WEBHOOK = { attempts: 3, firstDelayMs: 500, timeoutMs: 5000 };

export interface CliCheckpoint {
  readonly written: AuditCheckpoint | null;
  /** Sinks that did not take it (already audited as checkpoint.sink.failure). */
  readonly failed: readonly SinkDelivery[];
}

/** Resolves once every sink answered: the store must stay open until then (a failure is audited). */
export async function writeCliCheckpoint(
  store: Store,
  config: Config,
  key: SigningKey,
  clock: Clock,
  actor: string,
): Promise<CliCheckpoint> {
  const deliveries: Promise<SinkDelivery>[] = [];
  const written = await writeCheckpoint(
    {
      store,
      key,
      sinks: checkpointSinks(config.audit.checkpointSink, CLI_WEBHOOK),
      auditor: new StoreAuditor(store.audit, silentLogger()),
      clock,
      logger: silentLogger(),
    },
    actor,
    (d) => deliveries.push(d),
  );
  return { written, failed: (await Promise.all(deliveries)).filter((d) => d.problem !== null) };
}
