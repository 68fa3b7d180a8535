/**
 * Composition root (DESIGN.md §3): config → store → key files → recorder → ssh server → web →
 * background workers (checkpoints, request expiry, notifications).
 * The only place that knows every layer.
 */
import { recordingTapFactory } from './adapters/recording-taps.js';
import { storeAccessGate } from './adapters/store-access-gate.js';
import { storeRequestDesk } from './adapters/store-request-desk.js';
import { StoreAuditor } from './adapters/store-auditor.js';
import { startBackgroundWorkers } from './background-workers.js';
import { loadConfig, type Config } from './config/load-config.js';
import { systemClock, type Clock } from './core/clock.js';
import { isGatehouseError } from './core/errors.js';
import { listenFailure } from './core/listen-failure.js';
import type { Store } from './core/ports.js';
import { ensureKeyPair } from './keys/key-files.js';
import { loadKeyring } from './keys/keyring.js';
import { signingKeyFromOpenSsh } from './keys/signing-key.js';
import { createRootLogger, serveLogDestination, type Logger } from './logging/logger.js';
import { GatehouseMetrics } from './metrics/gatehouse-metrics.js';
import { planReload, type ReloadPlan } from './reload/config-reload.js';
import { LiveSettings } from './reload/live-settings.js';
import { sessionRecords } from './lifecycle/session-lifecycle.js';
import type { NotifierDeps } from './notify/notifier.js';
import { targetDialer } from './targets/dialer.js';
import { createBastion, type Bastion } from './transport/server.js';
import { relaySftp } from './sftp/sftp-relay.js';
import { tuneHeapForRelay } from './transport/relay-heap.js';
import { openStore, storeLocation } from './store/open-store.js';
import { openRecordingStore } from './recording-s3/open-recording-store.js';
import { startWebServer, type WebServer } from './web/server.js';

export interface RunningGatehouse {
  readonly host: string;
  readonly port: number;
  readonly store: Store;
  readonly bastion: Bastion;
  /** The review page, when web.listen is set. */
  readonly web: WebServer | null;
  readonly metrics: GatehouseMetrics;
  /**
   * Takes over what can change while running (log level; limits and recording settings for new
   * connections and sessions) from `next`; the rest waits for a restart (see the plan).
   */
  reload(next: Config): ReloadPlan;
  /** Drains the ssh listener (config.ssh.drainTimeoutMs) and closes the store. */
  stop(): Promise<void>;
}

export interface StartOptions {
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Overrides config.ssh.listen.port (tests use 0). */
  readonly port?: number;
  /** Overrides config.web.listen's port when the web page is on (tests use 0). */
  readonly webPort?: number;
  readonly watchIntervalMs?: number;
  /** How often the checkpoint writer looks at the chain head (default 1 s). */
  readonly checkpointPollMs?: number;
  /** The notifier's poll, retry policy, timeout and concurrency (tests shorten them). */
  readonly notify?: Pick<NotifierDeps, 'pollMs' | 'retry' | 'timeoutMs' | 'concurrency'>;
  /** Time between retention's prunes (default one day; tests shorten it). */
  readonly pruneEveryMs?: number;
}

export async function startGatehouse(
  config: Config,
  options: StartOptions = {},
): Promise<RunningGatehouse> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createRootLogger({ level: config.log.level });
  const settings = new LiveSettings(config);
  const metrics = new GatehouseMetrics();
  const hostKey = await ensureKeyPair(config.ssh.hostKeyPath);
  const clientKey = await ensureKeyPair(config.ssh.clientKeyPath);
  // Recordings' manifests and audit checkpoints are signed with the bastion's host key (DESIGN.md §6).
  const hostSigningKey = signingKeyFromOpenSsh(hostKey.privateKey);
  const keyring = await loadKeyring(config.ssh.hostKeyPath);
  const store = await openStore(storeLocation(config.database), { clock, node: config.node.name });
  const recordings = openRecordingStore(
    config.recordings,
    clock,
    logger.child({ component: 'recordings' }),
  );
  try {
    const auditor = new StoreAuditor(store.audit, logger);
    auditor.subscribe((event) => metrics.observe(event));
    const records = sessionRecords({
      store,
      taps: settings.taps(recordingTapFactory(settings.recordings(), clock)),
      recordingsDir: config.recordings.dir,
      recordings,
      signingKey: hostSigningKey.privateKey,
      node: config.node.name,
      clock,
      logger,
      auditor,
      announce: (event) => auditor.announce(event),
      alertRules: () => settings.alertRules(),
      keepTransfers: () => settings.config.recordings.keepTransfers,
    });
    await records.recover();
    const bastion = createBastion({
      hostKey: hostKey.privateKey,
      limits: settings.limits(),
      gate: storeAccessGate(store),
      lifecycle: records,
      dialer: targetDialer(
        clientKey.privateKey,
        () => settings.config.commandTargets.limits,
        logger,
      ),
      auditor,
      clock,
      logger,
      hostLabel:
        config.ssh.listen.host === '0.0.0.0' || config.ssh.listen.host === '::'
          ? 'BASTION'
          : config.ssh.listen.host,
      desk: storeRequestDesk(store),
      requestSettings: () => settings.requestSettings(),
      relaySftp,
      ...(options.watchIntervalMs === undefined
        ? {}
        : { watchIntervalMs: options.watchIntervalMs }),
    });
    metrics.readLiveSessionsFrom(() => bastion.live.size);
    const sshPort = options.port ?? config.ssh.listen.port;
    const { host, port } = await bastion.listen(config.ssh.listen.host, sshPort).catch((e) => {
      throw listenFailure('ssh.listen', config.ssh.listen.host, sshPort, e);
    });
    const webListen = config.web.listen;
    let web: WebServer | null = null;
    try {
      web =
        webListen === null
          ? null
          : await startWebServer({
              listen: { host: webListen.host, port: options.webPort ?? webListen.port },
              store,
              auditor,
              recordingsDir: config.recordings.dir,
              recordings,
              manifestKeys: keyring.keys.map((k) => k.publicKey),
              clock,
              logger,
              publicUrl: config.web.publicUrl,
              trustedProxies: config.web.trustedProxies,
              sessionTimeouts: {
                idleMs: config.web.sessionIdleTimeoutMs,
                maxAgeMs: config.web.sessionMaxAgeMs,
              },
              metrics,
              requestRules: () => settings.requestSettings(),
            });
    } catch (e) {
      await bastion.drain();
      throw webListen === null
        ? e
        : listenFailure('web.listen', webListen.host, options.webPort ?? webListen.port, e);
    }
    const workers = startBackgroundWorkers({
      config,
      webhooks: () => settings.config.notify.webhooks,
      store,
      recordings,
      auditor,
      metrics,
      clock,
      logger,
      ...(options.checkpointPollMs === undefined
        ? {}
        : { checkpointPollMs: options.checkpointPollMs }),
      ...(options.notify === undefined ? {} : { notify: options.notify }),
      ...(options.pruneEveryMs === undefined ? {} : { pruneEveryMs: options.pruneEveryMs }),
    });
    let stopped: Promise<void> | null = null;
    return {
      host,
      port,
      store,
      bastion,
      web,
      metrics,
      reload: (next) => {
        const plan = planReload(settings.config, next);
        settings.set(plan.effective);
        logger.level = plan.effective.log.level;
        return plan;
      },
      stop: () => {
        // The last checkpoint follows the drain; the store closes after every worker.
        stopped ??= Promise.allSettled([
          bastion.drain(),
          web?.close(),
          workers.stopRequestWork(),
        ]).then(async (ended) => {
          // Uploads not done stay in the spool; the next start resumes them.
          await recordings.close();
          await workers.stopCheckpoints();
          await store.close();
          const failed = ended.find((e) => e.status === 'rejected');
          if (failed !== undefined) throw failed.reason;
        });
        return stopped;
      },
    };
  } catch (e) {
    await recordings.close();
    await store.close();
    throw e;
  }
}

/** `gatehouse serve`: runs until SIGTERM/SIGINT, then drains and resolves with exit code 0. */
export async function serveUntilSignal(
  config: Config,
  onReady: (running: RunningGatehouse) => void,
  options: Pick<StartOptions, 'port' | 'webPort'> = {},
): Promise<number> {
  tuneHeapForRelay();
  const logger = createRootLogger({ level: config.log.level, destination: serveLogDestination() });
  const running = await startGatehouse(config, { ...options, logger });
  onReady(running);
  // SIGHUP: re-read the config file; a file that does not load changes nothing.
  let reloading = Promise.resolve();
  const onHangup = (): void => {
    reloading = reloading.then(() => reloadFromFile(running, config.configPath, logger));
  };
  await new Promise<void>((resolve) => {
    const onSignal = (): void => {
      process.removeListener('SIGTERM', onSignal);
      process.removeListener('SIGINT', onSignal);
      resolve();
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    process.on('SIGHUP', onHangup);
  });
  process.removeListener('SIGHUP', onHangup);
  await running.stop();
  return 0;
}

async function reloadFromFile(
  running: RunningGatehouse,
  configPath: string,
  logger: Logger,
): Promise<void> {
  let next: Config;
  try {
    next = await loadConfig(configPath, process.env, process.cwd());
  } catch (err) {
    const problem = isGatehouseError(err)
      ? err.userMessage
      : err instanceof Error
        ? err.message
        : String(err);
    logger.error({ problem, configPath }, 'config reload refused; keeping the running config');
    return;
  }
  const plan = running.reload(next);
  logger.info({ configPath: next.configPath, applied: plan.applied }, 'config reloaded');
  if (plan.needRestart.length > 0)
    logger.warn(
      { needRestart: plan.needRestart },
      'config changes that need a restart were not applied',
    );
}
