import type { AuditEvent } from '../core/audit-events.js';
import type { Auditor } from '../core/auditor.js';
import { actorOf } from '../core/login.js';
import { isRefusal, type Refusal } from '../core/refusal.js';
import { refusalEvent, type Refused } from '../core/refusal-event.js';
import type { Logger } from '../logging/logger.js';
import type { ConnectionHandler, SessionChannelHandler, Verdict } from './handler.js';

/**
 * Refused channels and requests one connection may make before it is closed: a client cannot
 * grow the audit chain without bound by repeating a refused request (ssh makes a handful at most).
 */
export const MAX_REFUSALS_PER_CONNECTION = 64;

/** Turns refusals (and allowed decisions inside a session) into audit events: the one place. */
export class SessionAudit {
  private refusals = 0;

  constructor(
    private readonly auditor: Auditor,
    private readonly who: Refused,
    private readonly logger: Logger,
    /** Closes the connection (too many refusals). */
    private readonly disconnect: () => void,
  ) {}

  async decision(decision: AuditEvent | Refusal): Promise<void> {
    if (!isRefusal(decision)) {
      await this.auditor.record(decision, this.actor);
      return;
    }
    const event = refusalEvent(decision.denial, this.who);
    if (event === null) return;
    // Protocol requests cost a client nothing to repeat; refused commands are evidence and each
    // needs a channel or a prompt line, so only the former are capped. A refused self-service
    // request needs no grant at all, so it counts with them; so does a refused sftp subsystem.
    const { on } = decision.denial;
    const capped = on === 'channel' || on === 'request' || on === 'transfer';
    if (capped && ++this.refusals > MAX_REFUSALS_PER_CONNECTION) {
      if (this.refusals === MAX_REFUSALS_PER_CONNECTION + 1) {
        this.logger.warn(
          { limit: MAX_REFUSALS_PER_CONNECTION },
          'too many refused requests; connection closed',
        );
        this.disconnect();
      }
      return;
    }
    this.logger.info({ refused: event.type }, 'refused');
    await this.auditor.record(event, this.actor);
  }

  /** For synchronous protocol answers: the refusal is answered at once, its event written after. */
  verdict<T extends Verdict | Refusal>(value: T): T {
    if (isRefusal(value)) {
      this.decision(value).catch((err: unknown) =>
        this.logger.error({ err }, 'audit write failed'),
      );
    }
    return value;
  }

  private get actor(): string {
    return this.who.user === null ? 'ssh:unknown' : actorOf(this.who.user);
  }
}

export function auditedSessionChannel(
  inner: SessionChannelHandler,
  audit: SessionAudit,
): SessionChannelHandler {
  return {
    windowChange: (cols, rows, width, height) => inner.windowChange(cols, rows, width, height),
    signal: (name) => audit.verdict(inner.signal(name)),
    closed: () => inner.closed(),
    pty: (pty) => audit.verdict(inner.pty(pty)),
    env: (name, value) => audit.verdict(inner.env(name, value)),
    request: (kind, name) => audit.verdict(inner.request(kind, name)),
    start: async (io, command) => audited(await inner.start(io, command), audit),
    subsystem: async (io, name) => audited(await inner.subsystem(io, name), audit),
  };
}

async function audited(refused: Refusal | null, audit: SessionAudit): Promise<Refusal | null> {
  if (refused !== null) await audit.decision(refused);
  return refused;
}

export function auditedConnection(
  inner: ConnectionHandler,
  audit: SessionAudit,
): ConnectionHandler {
  return {
    closed: () => inner.closed(),
    sessionChannel: () => {
      const handler = inner.sessionChannel();
      return isRefusal(handler) ? audit.verdict(handler) : auditedSessionChannel(handler, audit);
    },
    otherChannel: (kind, details) => audit.verdict(inner.otherChannel(kind, details)),
    globalRequest: (name) => audit.verdict(inner.globalRequest(name)),
  };
}
