import type { Connection } from 'ssh2';
import type { Clock } from '../core/clock.js';
import type { LoginOutcome } from '../core/login.js';
import { isRefusal } from '../core/refusal.js';
import { boundUntrusted } from '../core/untrusted-text.js';
import { messages } from '../core/user-messages.js';
import type { Logger } from '../logging/logger.js';
import { ConnectionSessions, type ChainDeps } from '../session/connection-chain.js';
import type { ConnectionHandler } from '../session/handler.js';
import type { AccessGate } from '../session/ports.js';
import { createAuthenticator } from './auth.js';
import type { AuthRefusals } from './auth-refusals.js';
import { sendAuthBanner } from './auth-banner.js';
import { serveSessionChannel } from './session-channel.js';

export interface ConnectionDeps {
  readonly chain: ChainDeps;
  readonly gate: AccessGate;
  readonly refusals: AuthRefusals;
  readonly clock: Clock;
  readonly maxAuthTries: number;
  readonly idleTimeoutMs: number | null;
  readonly hostLabel: string;
}

/** How long a client whose sessions gatehouse ended may take to close the connection itself. */
const CLIENT_CLOSE_GRACE_MS = 2000;

/**
 * One client connection: authentication, then ssh2's channel events as calls on the session
 * side's handler chain. Nothing here decides access or knows what a target is.
 */
export function handleConnection(
  client: Connection,
  info: { readonly remoteAddr: string },
  logger: Logger,
  deps: ConnectionDeps,
  onAuthenticated: () => void,
): void {
  let log = logger;
  let handler: ConnectionHandler | null = null;
  const sessions = new ConnectionSessions(deps.chain, info.remoteAddr);
  // The message can be the client's own text (a DISCONNECT's description).
  client.on('error', (err: Error & { level?: string }) =>
    log.info({ err: boundUntrusted(err.message), level: err.level }, 'connection error'),
  );

  const idle = startIdleTimer(deps.idleTimeoutMs, () => {
    log.info('idle timeout');
    const live = [...sessions.live];
    for (const s of live) s.terminate('closed', messages.idleTimeout());
    // Each session's channel ends first (its line, exit status, close): a client that reads the
    // disconnect before it has written the channel's stderr may exit without printing the line.
    void Promise.all(live.map((s) => s.ended)).then(() => {
      if (live.length === 0) client.end();
      else setTimeout(() => client.end(), CLIENT_CLOSE_GRACE_MS).unref();
    });
  });

  client.on(
    'authentication',
    createAuthenticator(
      {
        gate: deps.gate,
        auditor: deps.chain.auditor,
        refusals: deps.refusals,
        clock: deps.clock,
        logger: log,
        maxAuthTries: deps.maxAuthTries,
        remoteAddr: info.remoteAddr,
        hostLabel: deps.hostLabel,
        sendBanner: (text) => {
          if (!sendAuthBanner(client, text)) log.warn('auth banner not sent');
        },
        disconnect: () => client.end(),
        onDecided: (o) => {
          // What the login asked for; the session's logger names the target it opened (`target`).
          log = logger.child({ user: o.userName, requestedTarget: o.requestedTarget });
          sessions.warm(o);
        },
      },
      (o: LoginOutcome) => {
        handler = sessions.handler(
          o,
          log,
          () => idle.touch(),
          () => client.end(),
        );
        log.info({ grants: o.choices.length }, 'authenticated');
        onAuthenticated();
      },
    ),
  );

  client.on('session', (accept, reject) => {
    const channel = handler?.sessionChannel() ?? null;
    if (channel === null || isRefusal(channel)) {
      reject();
      return;
    }
    serveSessionChannel(accept(), channel, log);
  });
  client.on('tcpip', (_accept, reject, req) => {
    handler?.otherChannel('direct-tcpip', {
      destHost: req.destIP.slice(0, 255),
      destPort: req.destPort,
    });
    reject();
  });
  client.on('openssh.streamlocal', (_accept, reject) => {
    handler?.otherChannel('direct-streamlocal', {});
    reject();
  });
  client.on('request', (_accept: unknown, reject: (() => void) | undefined, name: string) => {
    handler?.globalRequest(name);
    reject?.();
  });
  client.on('close', () => {
    idle.stop();
    sessions.close();
    handler?.closed();
    log.debug('connection closed');
  });
}

function startIdleTimer(ms: number | null, onIdle: () => void): { touch(): void; stop(): void } {
  if (ms === null) return { touch: () => undefined, stop: () => undefined };
  const timer = setTimeout(onIdle, ms);
  timer.unref();
  return { touch: () => timer.refresh(), stop: () => clearTimeout(timer) };
}
