/** Where a copy of each signed checkpoint goes, outside the database. */
import type { AuditCheckpoint } from '../core/audit-checkpoint.js';

export interface CheckpointSink {
  readonly name: 'file' | 'webhook';
  /**
   * Delivers one checkpoint; resolves once it is durable at the sink, rejects with a one-line
   * Error when it could not be delivered (after the sink's own retries). Never called on the
   * audit path: the writer does not wait for it before the next event.
   */
  deliver(checkpoint: AuditCheckpoint): Promise<void>;
  /** Stops retrying: pending deliveries make no further attempt and reject. */
  close(): void;
}

/** One line of a sink file and the body of a webhook POST: exactly the five fields. */
export const checkpointJson = (cp: AuditCheckpoint): string =>
  JSON.stringify({
    seq: cp.seq,
    hash: cp.hash,
    at: cp.at,
    keyId: cp.keyId,
    signature: cp.signature,
  });
