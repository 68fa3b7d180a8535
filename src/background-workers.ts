/**
 * serve's timers beside the ssh and web listeners (wired by main.ts): the signed audit
 * checkpoints, the expiry sweep of pending access requests, the webhook notifier and, when
 * `recordings.retention` is set, the daily prune of recordings. Started once
 * serving, so a failed start leaves no timer behind; stopped before the store closes.
 */
import { checkpointSinks } from './checkpoints/checkpoint-sinks.js';
import { CheckpointWriter } from './checkpoints/checkpoint-writer.js';
import type { Config } from './config/load-config.js';
import type { Auditor } from './core/auditor.js';
import type { Clock } from './core/clock.js';
import type { Store } from './core/ports.js';
import { readSigningKey } from './keys/signing-key.js';
import type { Logger } from './logging/logger.js';
import type { GatehouseMetrics } from './metrics/gatehouse-metrics.js';
import { Notifier, type NotifierDeps } from './notify/notifier.js';
import { RequestExpiry } from './requests/request-expiry.js';
import type { RecordingStore } from './recording/recording-store.js';
import { RetentionWorker } from './retention/retention-worker.js';

export interface BackgroundWorkerDeps {
  readonly config: Config;
  /** The webhooks of the current config (a SIGHUP applies). */
  readonly webhooks: NotifierDeps['webhooks'];
  readonly store: Store;
  /** Where sealed recordings are kept (retention prunes through it). */
  readonly recordings?: RecordingStore;
  readonly auditor: Auditor;
  readonly metrics: GatehouseMetrics;
  readonly clock: Clock;
  readonly logger: Logger;
  /** How often the checkpoint writer looks at the chain head (default 1 s). */
  readonly checkpointPollMs?: number;
  /** The notifier's poll, retry policy, timeout and concurrency (tests shorten them). */
  readonly notify?: Pick<NotifierDeps, 'pollMs' | 'retry' | 'timeoutMs' | 'concurrency'>;
  /** Time between retention's prunes (default one day). */
  readonly pruneEveryMs?: number;
}

export interface BackgroundWorkers {
  /** The request sweep and the notifier: no new work; resolves when the work under way ends. */
  stopRequestWork(): Promise<void>;
  /** The last checkpoint: called after the drain, so it covers every session's end. */
  stopCheckpoints(): Promise<void>;
}

export function startBackgroundWorkers(deps: BackgroundWorkerDeps): BackgroundWorkers {
  const { config, store, auditor, metrics, clock, logger } = deps;
  const checkpoints = new CheckpointWriter({
    store,
    currentKey: () => readSigningKey(config.ssh.hostKeyPath),
    sinks: checkpointSinks(config.audit.checkpointSink),
    auditor,
    clock,
    logger,
    everyEvents: config.audit.checkpoint.everyEvents,
    everyMs: config.audit.checkpoint.everyMs,
    ...(deps.checkpointPollMs === undefined ? {} : { pollMs: deps.checkpointPollMs }),
  });
  const requestExpiry = new RequestExpiry({ requests: store.requests, clock, logger });
  const notifier = new Notifier({
    store,
    webhooks: deps.webhooks,
    publicUrl: config.web.publicUrl,
    clock,
    logger,
    onResult: (result) => metrics.countNotification(result),
    ...deps.notify,
  });
  const retentionMs = config.recordings.retentionMs;
  const retention =
    retentionMs === null
      ? null
      : new RetentionWorker({
          store,
          recordingsDir: config.recordings.dir,
          ...(deps.recordings === undefined ? {} : { recordings: deps.recordings }),
          retentionMs,
          clock,
          logger,
          ...(deps.pruneEveryMs === undefined ? {} : { everyMs: deps.pruneEveryMs }),
        });
  metrics.readPendingNotificationsFrom(() => notifier.pending);
  checkpoints.start();
  requestExpiry.start();
  notifier.start();
  retention?.start();
  return {
    stopRequestWork: async () => {
      await Promise.all([requestExpiry.stop(), notifier.stop(), retention?.stop()]);
    },
    stopCheckpoints: () => checkpoints.stop(),
  };
}
