import type { Connection } from 'ssh2';
import { auditEvents } from '../core/audit-events.js';
import type { ChannelDenialDetails } from '../core/audit-payloads.js';
import type { Auditor } from '../core/auditor.js';
import type { Clock } from '../core/clock.js';
import type { Target, TargetId } from '../core/model.js';
import type { Logger } from '../logging/logger.js';
import { actorOf, createAuthenticator, type LoginOutcome } from './auth.js';
import { sendAuthBanner } from './auth-banner.js';
import { commandTargetLink } from '../targets/command-target-link.js';
import type { LiveSessions } from '../session/live-sessions.js';
import { messages } from '../session/messages.js';
import type { AccessGate, SessionTapFactory } from '../session/ports.js';
import { handleSessionChannel } from './session-channel.js';
import { connectTarget, type TargetLinkResult } from '../targets/ssh-target-link.js';

export interface ConnectionDeps {
  readonly gate: AccessGate;
  readonly auditor: Auditor;
  readonly taps: SessionTapFactory;
  readonly clock: Clock;
  readonly live: LiveSessions;
  readonly clientKey: Buffer;
  readonly maxAuthTries: number;
  readonly maxSessions: number;
  readonly idleTimeoutMs: number | null;
  readonly hostLabel: string;
  isDraining(): boolean;
}

/** One client connection: authentication, its session channels, its (lazy) target links. */
export function handleConnection(
  client: Connection,
  info: { readonly remoteAddr: string },
  logger: Logger,
  deps: ConnectionDeps,
  onAuthenticated: () => void,
): void {
  let outcome: LoginOutcome | null = null;
  let openSessions = 0;
  let log = logger;
  let closed = false;
  const links = new Map<TargetId, Promise<TargetLinkResult>>();

  client.on('error', (err: Error & { level?: string }) => log.info({ err: err.message, level: err.level }, 'connection error'));

  let idleTimer: NodeJS.Timeout | null = null;
  const touch = (): void => {
    idleTimer?.refresh();
  };
  if (deps.idleTimeoutMs !== null) {
    const ms = deps.idleTimeoutMs;
    idleTimer = setTimeout(() => {
      log.info('idle timeout');
      for (const s of deps.live.all()) if (sessions.has(s.id)) s.notify(messages.idleTimeout());
      client.end();
    }, ms);
    idleTimer.unref();
  }
  const sessions = new Set<string>();

  const deny = (kind: string, details: ChannelDenialDetails = {}): void => {
    const user = outcome?.userName ?? null;
    log.info({ kind }, 'channel refused');
    const event = auditEvents.channelDenied({ kind, user, remoteAddr: info.remoteAddr, ...details });
    void deps.auditor.record(event, user === null ? 'ssh:unknown' : actorOf(user));
  };

  client.on(
    'authentication',
    createAuthenticator(
      {
        gate: deps.gate,
        auditor: deps.auditor,
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
          log = logger.child({ user: o.userName, target: o.requestedTarget });
          warmTargetLink(o);
        },
      },
      (o) => {
        outcome = o;
        log.info({ grants: o.choices.length }, 'authenticated');
        onAuthenticated();
      },
    ),
  );

  const targetLink = (target: Target): Promise<TargetLinkResult> => {
    const cached = links.get(target.id);
    if (cached !== undefined) return cached;
    const pending: Promise<TargetLinkResult> =
      target.kind === 'command'
        ? Promise.resolve({ ok: true, link: commandTargetLink(target, log) })
        : connectTarget(target, deps.clientKey, log).catch((err: unknown) => {
            // A fault (not a refusal) while connecting: the session says "not reachable".
            log.error({ err }, 'target connection failed with an error');
            return { ok: false, reason: 'connect.failed', presentedKey: null };
          });
    links.set(target.id, pending);
    void pending.then((r) => {
      if (!r.ok) links.delete(target.id);
      else void r.link.closed.then(() => links.delete(target.id));
    });
    return pending;
  };

  /**
   * A login that goes straight to one ssh target starts that connection as soon as the user is
   * authenticated, while the auth.success audit write and the client's channel requests run: the
   * session re-checks the grant before it opens anything on it.
   */
  const warmTargetLink = (o: LoginOutcome): void => {
    const [only] = o.choices;
    if (closed || o.choices.length !== 1 || only === undefined || only.target.kind !== 'ssh' || deps.isDraining()) return;
    void targetLink(only.target);
  };

  client.on('session', (accept, reject) => {
    const o = outcome;
    if (o === null || deps.isDraining()) {
      reject();
      return;
    }
    if (openSessions >= deps.maxSessions) {
      deny('session', { reason: 'max_sessions', limit: deps.maxSessions });
      reject();
      return;
    }
    openSessions += 1;
    const session = accept();
    session.once('close', () => {
      openSessions -= 1;
    });
    handleSessionChannel(session, {
      outcome: o,
      gate: deps.gate,
      auditor: deps.auditor,
      taps: deps.taps,
      clock: deps.clock,
      logger: log,
      live: {
        add: (s) => {
          sessions.add(s.id);
          void s.ended.finally(() => sessions.delete(s.id));
          deps.live.add(s);
        },
      },
      remoteAddr: info.remoteAddr,
      targetLink,
      touch,
      deny,
    });
  });

  client.on('tcpip', (_accept, reject, req) => {
    deny('direct-tcpip', { destHost: req.destIP.slice(0, 255), destPort: req.destPort });
    reject();
  });
  client.on('openssh.streamlocal', (_accept, reject) => {
    deny('direct-streamlocal');
    reject();
  });
  client.on('request', (_accept: unknown, reject: (() => void) | undefined, name: string) => {
    deny(name);
    reject?.();
  });

  client.on('close', () => {
    closed = true; // a login decided after this (async store reads) must not open a link nobody closes
    if (idleTimer !== null) clearTimeout(idleTimer);
    for (const p of links.values()) void p.then((r) => r.ok && r.link.close());
    log.debug('connection closed');
  });
}
