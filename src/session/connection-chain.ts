import type { Clock } from '../core/clock.js';
import { auditEvents } from '../core/audit-events.js';
import type { Choice, LoginOutcome } from '../core/login.js';
import { refuse } from '../core/refusal.js';
import type { Logger } from '../logging/logger.js';
import { ConnectionLinks } from '../targets/connection-links.js';
import type { TargetDialer } from '../targets/target-link.js';
import type { Auditor } from '../core/auditor.js';
import type { RelaySftp } from '../sftp/sftp-ports.js';
import { auditedConnection, SessionAudit } from './audit-handlers.js';
import type { ConnectionHandler } from './handler.js';
import type { LiveSession, LiveSessions } from './live-sessions.js';
import { policyConnection, policySessionChannel } from './policy-handlers.js';
import type { AccessGate, SessionLifecycle } from './ports.js';
import { recheckUser } from './login-decision.js';
import { relayingChannel } from './relaying-channel.js';
import { commandsOrRelay } from './self-service/commands-channel.js';
import type { RequestDesk, SelfServiceSettings } from './self-service/request-desk.js';

export interface ChainDeps {
  readonly gate: AccessGate;
  readonly lifecycle: SessionLifecycle;
  readonly dialer: TargetDialer;
  readonly auditor: Auditor;
  readonly clock: Clock;
  readonly live: LiveSessions;
  readonly maxSessions: number;
  isDraining(): boolean;
  /** How users reach the bastion, for hints like `ssh alice+db1@HOST`. */
  readonly hostLabel: string;
  /** gatehouse's own commands (plain `user` logins): requests through the store. */
  readonly desk: RequestDesk;
  /** The current config's request rules, profiles and grant maximum. */
  requestSettings(): SelfServiceSettings;
  /** The SFTP relay of the sftp subsystem (src/sftp/). */
  readonly relaySftp: RelaySftp;
}

/**
 * The session side of one client connection: its target links, the watch on the grants it
 * logged in with, and the handler chain the transport calls once the login is decided —
 * audit(policy(relaying)), and for a plain `user` login audit(policy(commands-or-relaying)):
 * an exec there is one of gatehouse's own commands.
 */
export class ConnectionSessions {
  private readonly links: ConnectionLinks;
  /** This connection's live sessions (for its idle timeout). */
  readonly live = new Set<LiveSession>();
  /** Per grant the login may use: what stops the grant watcher's watch on it. */
  private readonly watches = new Map<Choice, () => void>();

  constructor(
    private readonly deps: ChainDeps,
    private readonly remoteAddr: string,
  ) {
    this.links = new ConnectionLinks(deps.dialer);
  }

  /**
   * A login that goes straight to one ssh target dials it as soon as the login is decided, while
   * its auth.success write and the client's channel requests run: the session re-checks the grant
   * before it opens anything on the link.
   */
  warm(outcome: LoginOutcome): void {
    const [only] = outcome.choices;
    if (
      outcome.choices.length !== 1 ||
      only === undefined ||
      only.target.kind !== 'ssh' ||
      this.deps.isDraining()
    )
      return;
    void this.links.get(only.target);
  }

  handler(
    outcome: LoginOutcome,
    logger: Logger,
    touch: () => void,
    disconnect: () => void,
  ): ConnectionHandler {
    const { deps } = this;
    this.watchLogin(outcome, logger, disconnect);
    const audit = new SessionAudit(
      deps.auditor,
      { user: outcome.userName, remoteAddr: this.remoteAddr },
      logger,
      disconnect,
    );
    const ctx = {
      outcome,
      gate: deps.gate,
      lifecycle: deps.lifecycle,
      clock: deps.clock,
      logger,
      remoteAddr: this.remoteAddr,
      hostLabel: deps.hostLabel,
      link: (target: Parameters<ConnectionLinks['get']>[0]) => this.links.get(target),
      addLive: (s: LiveSession) => {
        this.live.add(s);
        void s.ended.finally(() => this.live.delete(s));
        deps.live.add(s);
      },
      touch,
      audit: (decision: Parameters<SessionAudit['decision']>[0]) => audit.decision(decision),
      relaySftp: deps.relaySftp,
    };
    const commands = {
      desk: deps.desk,
      settings: () => deps.requestSettings(),
      gate: deps.gate,
      clock: deps.clock,
      hostLabel: deps.hostLabel,
      touch,
    };
    const channel = () =>
      outcome.requestedTarget === null
        ? commandsOrRelay(relayingChannel(ctx), commands, outcome, logger)
        : relayingChannel(ctx);
    const relaying: ConnectionHandler = {
      sessionChannel: () => policySessionChannel(channel()),
      otherChannel: () => refuse.quietly(null, 1),
      globalRequest: () => refuse.quietly(null, 1),
      closed: () => undefined,
    };
    return auditedConnection(policyConnection(relaying, deps), audit);
  }

  /** The connection closed: its links close too. */
  close(): void {
    for (const unwatch of this.watches.values()) unwatch();
    this.watches.clear();
    this.links.closeAll();
  }

  /**
   * Each grant the login may use is re-checked by the grant watcher like a session's: one that
   * no longer allows access closes its target link; when none is left the connection is closed
   * (after its sessions, closed by the same watcher, have ended), with `connection.end`. A plain
   * `user` login needs no grant (gatehouse's own commands): it is closed only when the user and
   * key no longer allow a login (disabled, key removed), not while `request extend --wait` runs.
   */
  private watchLogin(outcome: LoginOutcome, logger: Logger, disconnect: () => void): void {
    const grantIds = outcome.choices.map((c) => c.grant.id);
    for (const choice of outcome.choices) {
      const unwatch = this.deps.live.watchLogin({
        grant: choice.grant,
        userName: outcome.userName,
        targetName: choice.target.name,
        fingerprint: outcome.fingerprint,
        terminate: (cause) => {
          if (!this.watches.delete(choice)) return;
          unwatch();
          this.links.close(choice.target);
          if (this.watches.size > 0) return;
          const reason = cause === 'expired' || cause === 'revoked' ? cause : 'error';
          const end = (): void => {
            logger.info({ reason }, 'login no longer allowed; connection closed');
            const event = auditEvents.connectionEnd({
              user: outcome.userName,
              remoteAddr: this.remoteAddr,
              reason,
              grantIds,
            });
            void this.deps.auditor.record(event, 'gatehouse');
            void Promise.all([...this.live].map((s) => s.ended)).then(disconnect);
          };
          if (outcome.requestedTarget !== null) return end();
          const { gate, clock } = this.deps;
          recheckUser(gate, outcome.userName, outcome.fingerprint, clock.now()).then(
            (denied) => (denied === null ? undefined : end()),
            end, // fail closed
          );
        },
      });
      this.watches.set(choice, unwatch);
    }
  }
}
