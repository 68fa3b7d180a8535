/**
 * Composition root (DESIGN.md §3): config → store → key files → recorder → ssh server → web.
 * The only place that knows every layer.
 */
import { closeInterruptedSessions } from './adapters/interrupted-sessions.js';
import { recordingTapFactory } from './adapters/recording-taps.js';
import { storeAccessGate } from './adapters/store-access-gate.js';
import type { Config } from './config/load-config.js';
import { systemClock, type Clock } from './core/clock.js';
import type { Store } from './core/ports.js';
import { ensureKeyPair } from './keys/key-files.js';
import { createRootLogger, type Logger } from './logging/logger.js';
import { ed25519KeyFromOpenSsh } from './recording/manifest.js';
import { createBastion, type Bastion } from './ssh/server.js';
import { openStore } from './store/open-store.js';
import { startWebServer, type WebServer } from './web/server.js';

export interface RunningGatehouse {
  readonly host: string;
  readonly port: number;
  readonly store: Store;
  readonly bastion: Bastion;
  /** The review page, when web.listen is set. */
  readonly web: WebServer | null;
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
}

export async function startGatehouse(config: Config, options: StartOptions = {}): Promise<RunningGatehouse> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createRootLogger({ level: config.log.level });
  const hostKey = await ensureKeyPair(config.ssh.hostKeyPath);
  const clientKey = await ensureKeyPair(config.ssh.clientKeyPath);
  // Recordings' manifests are signed with the bastion's host key (DESIGN.md §6).
  const signingKey = ed25519KeyFromOpenSsh(hostKey.privateKey);
  const store = await openStore(config.database.path, { clock });
  try {
    await closeInterruptedSessions(store, config.recordings.dir, signingKey, clock, logger);
    const bastion = createBastion({
      hostKey: hostKey.privateKey,
      clientKey: clientKey.privateKey,
      limits: config.ssh,
      gate: storeAccessGate(store),
      taps: recordingTapFactory(config.recordings, signingKey, clock),
      clock,
      logger,
      hostLabel: config.ssh.listen.host === '0.0.0.0' || config.ssh.listen.host === '::' ? 'BASTION' : config.ssh.listen.host,
      ...(options.watchIntervalMs === undefined ? {} : { watchIntervalMs: options.watchIntervalMs }),
    });
    const { host, port } = await bastion.listen(config.ssh.listen.host, options.port ?? config.ssh.listen.port);
    const webListen = config.web.listen;
    let web: WebServer | null = null;
    try {
      web =
        webListen === null
          ? null
          : await startWebServer({
              listen: { host: webListen.host, port: options.webPort ?? webListen.port },
              store,
              recordingsDir: config.recordings.dir,
              clock,
              logger,
            });
    } catch (e) {
      await bastion.drain();
      throw e;
    }
    let stopped: Promise<void> | null = null;
    return {
      host,
      port,
      store,
      bastion,
      web,
      stop: () => {
        stopped ??= Promise.all([bastion.drain(), web?.close()]).then(
          () => store.close(),
          async (e: unknown) => {
            await store.close();
            throw e;
          },
        );
        return stopped;
      },
    };
  } catch (e) {
    await store.close();
    throw e;
  }
}

/** `gatehouse serve`: runs until SIGTERM/SIGINT, then drains and resolves with exit code 0. */
export async function serveUntilSignal(config: Config, onReady: (running: RunningGatehouse) => void): Promise<number> {
  const running = await startGatehouse(config);
  onReady(running);
  await new Promise<void>((resolve) => {
    const onSignal = (): void => {
      process.removeListener('SIGTERM', onSignal);
      process.removeListener('SIGINT', onSignal);
      resolve();
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
  await running.stop();
  return 0;
}
