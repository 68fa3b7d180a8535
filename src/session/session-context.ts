import type { Clock } from '../core/clock.js';
import type { LoginOutcome } from '../core/login.js';
import type { Refusal } from '../core/refusal.js';
import type { Logger } from '../logging/logger.js';
import type { TargetLinkResult } from '../targets/target-link.js';
import type { Target } from '../core/model.js';
import type { LiveSession } from './live-sessions.js';
import type { AccessGate, SessionLifecycle } from './ports.js';
import type { AuditEvent } from '../core/audit-events.js';
import type { RelaySftp } from '../sftp/sftp-ports.js';

/** What every session channel of one connection works with. */
export interface SessionContext {
  readonly outcome: LoginOutcome;
  readonly gate: AccessGate;
  readonly lifecycle: SessionLifecycle;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly remoteAddr: string;
  /** How users reach the bastion, for hints like `ssh alice+db1@HOST`. */
  readonly hostLabel: string;
  /** The connection's link to a target (dialled once, shared by its channels). */
  link(target: Target): Promise<TargetLinkResult>;
  /** Registers a relayed session with the watcher and the drain. */
  addLive(session: LiveSession): void;
  /** Resets the connection's idle timer. */
  touch(): void;
  /** Audits a decision taken inside a running session (a prompt line): allowed or refused. */
  audit(decision: AuditEvent | Refusal): Promise<void>;
  /** The SFTP relay (src/sftp/), injected so the session's plumbing does not depend on it. */
  readonly relaySftp: RelaySftp;
}
