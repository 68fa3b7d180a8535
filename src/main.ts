/**
 * Composition root (DESIGN.md §3): config → store → key files → ssh server (→ web, later).
 * The only place that knows every layer.
 */
import { storeAccessGate } from './adapters/store-access-gate.js';
import type { Config } from './config/load-config.js';
import { systemClock, type Clock } from './core/clock.js';
import type { Store } from './core/ports.js';
import { ensureKeyPair } from './keys/key-files.js';
import { createRootLogger, type Logger } from './logging/logger.js';
import { createBastion, type Bastion } from './ssh/server.js';
import { openStore } from './store/open-store.js';

export interface RunningGatehouse {
  readonly host: string;
  readonly port: number;
  readonly store: Store;
  readonly bastion: Bastion;
  /** Drains the ssh listener (config.ssh.drainTimeoutMs) and closes the store. */
  stop(): Promise<void>;
}

export interface StartOptions {
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Overrides config.ssh.listen.port (tests use 0). */
  readonly port?: number;
  readonly watchIntervalMs?: number;
}

/** Sessions left open by a crash or kill -9 of an earlier run are closed as `interrupted`. */
async function closeInterrupted(store: Store, clock: Clock, logger: Logger): Promise<void> {
  const open = await store.sessions.list({ live: true });
  for (const s of open) {
    const end = { endedAt: clock.now(), reason: 'interrupted' as const, exitStatus: null, bytes: null, sha256: null };
    await store.sessions.end(s.id, end, { type: 'session.end', payload: { sessionId: s.id, reason: 'interrupted' } }, 'gatehouse');
  }
  if (open.length > 0) logger.warn({ sessions: open.length }, 'closed sessions left open by an earlier run');
}

export async function startGatehouse(config: Config, options: StartOptions = {}): Promise<RunningGatehouse> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createRootLogger({ level: config.log.level });
  const hostKey = await ensureKeyPair(config.ssh.hostKeyPath);
  const clientKey = await ensureKeyPair(config.ssh.clientKeyPath);
  const store = await openStore(config.database.path, { clock });
  try {
    await closeInterrupted(store, clock, logger);
    const bastion = createBastion({
      hostKey: hostKey.privateKey,
      clientKey: clientKey.privateKey,
      limits: config.ssh,
      gate: storeAccessGate(store),
      clock,
      logger,
      hostLabel: config.ssh.listen.host === '0.0.0.0' || config.ssh.listen.host === '::' ? 'BASTION' : config.ssh.listen.host,
      ...(options.watchIntervalMs === undefined ? {} : { watchIntervalMs: options.watchIntervalMs }),
    });
    const { host, port } = await bastion.listen(config.ssh.listen.host, options.port ?? config.ssh.listen.port);
    let stopped: Promise<void> | null = null;
    return {
      host,
      port,
      store,
      bastion,
      stop: () => {
        stopped ??= bastion.drain().finally(() => store.close());
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
