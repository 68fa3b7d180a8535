import type { Clock } from '../core/clock.js';
import type { LoginOutcome } from '../core/login.js';
import { refuse } from '../core/refusal.js';
import type { Logger } from '../logging/logger.js';
import { ConnectionLinks } from '../targets/connection-links.js';
import type { TargetDialer } from '../targets/target-link.js';
import type { Auditor } from '../core/auditor.js';
import { auditedConnection, SessionAudit } from './audit-handlers.js';
import type { ConnectionHandler } from './handler.js';
import type { LiveSession, LiveSessions } from './live-sessions.js';
import { policyConnection, policySessionChannel } from './policy-handlers.js';
import type { AccessGate, SessionLifecycle } from './ports.js';
import { relayingChannel } from './relaying-channel.js';

export interface ChainDeps {
  readonly gate: AccessGate;
  readonly lifecycle: SessionLifecycle;
  readonly dialer: TargetDialer;
  readonly auditor: Auditor;
  readonly clock: Clock;
  readonly live: LiveSessions;
  readonly maxSessions: number;
  isDraining(): boolean;
}

/**
 * The session side of one client connection: its target links, and the handler chain the
 * transport calls once the login is decided — audit(policy(relaying)).
 */
export class ConnectionSessions {
  private readonly links: ConnectionLinks;
  /** This connection's live sessions (for its idle timeout). */
  readonly live = new Set<LiveSession>();

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
      link: (target: Parameters<ConnectionLinks['get']>[0]) => this.links.get(target),
      addLive: (s: LiveSession) => {
        this.live.add(s);
        void s.ended.finally(() => this.live.delete(s));
        deps.live.add(s);
      },
      touch,
      audit: (decision: Parameters<SessionAudit['decision']>[0]) => audit.decision(decision),
    };
    const relaying: ConnectionHandler = {
      sessionChannel: () => policySessionChannel(relayingChannel(ctx)),
      otherChannel: () => refuse.quietly(null, 1),
      globalRequest: () => refuse.quietly(null, 1),
      closed: () => undefined,
    };
    return auditedConnection(policyConnection(relaying, deps), audit);
  }

  /** The connection closed: its links close too. */
  close(): void {
    this.links.closeAll();
  }
}
