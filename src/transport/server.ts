import { randomUUID } from 'node:crypto';
import { createServer, type Server as NetServer, type Socket } from 'node:net';
import ssh2, { type Connection } from 'ssh2';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../logging/logger.js';
import { messages } from '../core/user-messages.js';
import type { Auditor } from '../core/auditor.js';
import type { ChainDeps } from '../session/connection-chain.js';
import { startGrantWatcher } from '../session/grant-watcher.js';
import { LiveSessions } from '../session/live-sessions.js';
import type { AccessGate, SessionLifecycle } from '../session/ports.js';
import type { RequestDesk, SelfServiceSettings } from '../session/self-service/request-desk.js';
import type { TargetDialer } from '../targets/target-link.js';
import { MODERN_ALGORITHMS } from './algorithms.js';
import { AuthRefusals } from './auth-refusals.js';
import { coalesceWritesPerTick } from './coalesced-writes.js';
import { handleConnection, type ConnectionDeps } from './connection.js';
import { installSsh2PooledPadding } from './ssh2-pooled-padding.js';
import { installSsh2WindowFix } from './ssh2-window-fix.js';
import { StartupLimits } from './startup-limits.js';

export interface BastionLimits {
  readonly loginGraceTimeMs: number;
  readonly maxAuthTries: number;
  readonly maxSessions: number;
  readonly maxStartups: number;
  readonly maxStartupsPerSource: number;
  readonly idleTimeoutMs: number | null;
  readonly drainTimeoutMs: number;
}

export interface BastionOptions {
  readonly hostKey: Buffer;
  readonly limits: BastionLimits;
  readonly gate: AccessGate;
  /** Opens and seals each session's record (recording, row, audit). */
  readonly lifecycle: SessionLifecycle;
  readonly dialer: TargetDialer;
  readonly auditor: Auditor;
  readonly clock: Clock;
  readonly logger: Logger;
  /** How users reach the bastion, for hints like `ssh -t alice+db1@HOST`. */
  readonly hostLabel: string;
  /** gatehouse's own commands on plain `user` logins (`ssh alice@bastion request …`). */
  readonly desk: RequestDesk;
  /** Read at each command: the current config's request rules, profiles and grant maximum. */
  requestSettings(): SelfServiceSettings;
  /** The SFTP relay of the sftp subsystem (src/sftp/, wired by main). */
  readonly relaySftp: ChainDeps['relaySftp'];
  readonly watchIntervalMs?: number;
}

export interface Bastion {
  listen(host: string, port: number): Promise<{ readonly host: string; readonly port: number }>;
  readonly live: LiveSessions;
  /**
   * Stops accepting, tells live sessions, waits up to drainTimeoutMs, then closes everything and
   * writes the refused logins still being counted (auth.failure.aggregate).
   */
  drain(): Promise<void>;
}

/**
 * The ssh listener. Sockets are accepted by our own net.Server and handed to ssh2 with
 * injectSocket, so the unauthenticated-connection limits and the login grace time also cover
 * clients that never send a version line.
 */
export function createBastion(options: BastionOptions): Bastion {
  const { limits, logger } = options;
  const live = new LiveSessions();
  const clients = new Set<Connection>();
  const sockets = new Set<Socket>();
  const pendingBySocket = new Map<string, { onConnection(client: Connection): void }>();
  const startups = new StartupLimits(() => limits);
  const refusals = new AuthRefusals({ auditor: options.auditor, clock: options.clock, logger });
  let draining = false;

  installSsh2WindowFix();
  installSsh2PooledPadding();
  const ssh = new ssh2.Server({
    hostKeys: [options.hostKey],
    algorithms: MODERN_ALGORITHMS,
    ident: 'gatehouse',
  });
  ssh.on('error', (err: Error) => logger.error({ err: err.message }, 'ssh server error'));
  ssh.on('connection', (client: Connection, info: { ip: string; port: number }) => {
    const entry = pendingBySocket.get(`${info.ip}|${info.port}`);
    if (entry === undefined) {
      client.on('error', () => undefined);
      client.end();
      return;
    }
    entry.onConnection(client);
  });

  // TCP_NODELAY on every user connection: with Nagle's algorithm, a program's second small write
  // (echo, then its own output) waits for the client's delayed ACK, about 40 ms (issue 16). Set
  // for every session kind: a connection may carry several, and bulk transfers showed no
  // difference beyond the noise.
  const net: NetServer = createServer({ noDelay: true }, (socket) => {
    socket.on('error', (err: Error) => logger.debug({ err: err.message }, 'socket error'));
    const source = socket.remoteAddress ?? 'unknown';
    const admitted = draining ? null : startups.admit(source);
    if (admitted === null) {
      logger.warn(
        { remoteAddr: source, ...startups.counts(source) },
        'connection refused: too many unauthenticated connections',
      );
      socket.destroy();
      return;
    }
    const release = (): void => admitted.release();
    const connLog = logger.child({ connId: randomUUID().slice(0, 8), remoteAddr: source });
    const key = `${source}|${socket.remotePort ?? 0}`;
    const grace = setTimeout(() => {
      connLog.info('login grace time exceeded');
      socket.destroy();
    }, limits.loginGraceTimeMs);
    sockets.add(socket);
    socket.once('close', () => {
      clearTimeout(grace);
      release();
      sockets.delete(socket);
      pendingBySocket.delete(key);
    });
    pendingBySocket.set(key, {
      onConnection: (client) => {
        pendingBySocket.delete(key);
        clients.add(client);
        client.once('close', () => clients.delete(client));
        handleConnection(
          client,
          { remoteAddr: source },
          connLog,
          connectionDeps(options, live, refusals, () => draining),
          () => {
            clearTimeout(grace);
            release();
          },
        );
      },
    });
    coalesceWritesPerTick(socket);
    ssh.injectSocket(socket);
  });
  net.on('error', (err: Error) => logger.error({ err: err.message }, 'listener error'));

  const watcher = startGrantWatcher({
    live,
    gate: options.gate,
    auditor: options.auditor,
    clock: options.clock,
    logger,
    ...(options.watchIntervalMs === undefined ? {} : { intervalMs: options.watchIntervalMs }),
  });

  return {
    live,
    listen: (host, port) => listenOn(net, host, port, logger),
    drain: async () => {
      if (draining) return;
      draining = true;
      const closed = new Promise<void>((res) => net.close(() => res()));
      await drainSessions(live, limits.drainTimeoutMs, logger);
      watcher.stop();
      for (const c of clients) c.end();
      for (const s of sockets) s.destroy();
      await refusals.flush();
      await waitFor(closed, 1000);
    },
  };
}

/** What each connection works with: the session side's chain and the authentication settings. */
function connectionDeps(
  options: BastionOptions,
  live: LiveSessions,
  refusals: AuthRefusals,
  isDraining: () => boolean,
): ConnectionDeps {
  const { limits } = options;
  return {
    chain: {
      gate: options.gate,
      lifecycle: options.lifecycle,
      dialer: options.dialer,
      auditor: options.auditor,
      clock: options.clock,
      live,
      maxSessions: limits.maxSessions,
      isDraining,
      hostLabel: options.hostLabel,
      desk: options.desk,
      requestSettings: () => options.requestSettings(),
      relaySftp: options.relaySftp,
    },
    gate: options.gate,
    refusals,
    clock: options.clock,
    maxAuthTries: limits.maxAuthTries,
    idleTimeoutMs: limits.idleTimeoutMs,
    hostLabel: options.hostLabel,
  };
}

function listenOn(
  net: NetServer,
  host: string,
  port: number,
  logger: Logger,
): Promise<{ readonly host: string; readonly port: number }> {
  return new Promise((resolve, reject) => {
    net.once('error', reject);
    net.listen(port, host, () => {
      net.removeListener('error', reject);
      const addr = net.address();
      const bound = typeof addr === 'object' && addr !== null ? addr.port : port;
      logger.info({ host, port: bound }, 'ssh listening');
      resolve({ host, port: bound });
    });
  });
}

const waitFor = (p: Promise<unknown>, ms: number): Promise<unknown> =>
  Promise.race([p, new Promise((res) => setTimeout(res, ms).unref())]);

/** Tells live sessions, waits up to `timeoutMs` for them to end, then closes what is left. */
async function drainSessions(live: LiveSessions, timeoutMs: number, logger: Logger): Promise<void> {
  const sessions = live.all();
  logger.info({ sessions: sessions.length }, 'draining');
  for (const s of sessions) s.notify(messages.drainNotice(Math.ceil(timeoutMs / 1000)));
  await waitFor(Promise.all(sessions.map((s) => s.ended)), timeoutMs);
  for (const s of live.all()) s.terminate('shutdown', messages.closedShutdown());
  await waitFor(Promise.all(live.all().map((s) => s.ended)), 2000);
}
