import { auditEvents, type AuditEvent } from '../core/audit-events.js';
import type { AuthFailureAggregate } from '../core/audit-payloads.js';
import type { Auditor } from '../core/auditor.js';
import { authFailureEvent, type AuthRefusal } from '../core/auth-refusal-event.js';
import type { Clock } from '../core/clock.js';
import type { Actor } from '../core/ports.js';
import { RefusalWindows } from '../core/refusal-windows.js';
import type { Logger } from '../logging/logger.js';

/**
 * Where every connection's refused logins go (one per bastion): bounded into an auth.failure
 * (authFailureEvent), then written or counted by source address (RefusalWindows). One timer
 * closes the windows as they end and writes their auth.failure.aggregate; flush() writes what is
 * still open at shutdown.
 */
export class AuthRefusals {
  private timer: NodeJS.Timeout | null = null;
  private readonly writing = new Set<Promise<void>>();

  constructor(
    private readonly deps: {
      readonly auditor: Auditor;
      readonly clock: Clock;
      readonly logger: Logger;
    },
    private readonly windows = new RefusalWindows(),
  ) {}

  /** One refused attempt; `log` is the connection's logger. */
  refused(refusal: AuthRefusal, log: Logger): void {
    const { event, actor } = authFailureEvent(refusal);
    const { login, reason, fingerprint, remoteAddr } = event.payload;
    const { write, closed } = this.windows.note(
      { remoteAddr, reason, login },
      this.deps.clock.now(),
    );
    this.writeAggregates(closed);
    if (write) {
      log.info({ reason, fingerprint, login }, 'authentication refused');
      this.write(event, actor);
    } else {
      log.debug({ reason, fingerprint, login }, 'authentication refused (counted for the source)');
    }
    this.arm();
  }

  /** Writes every open window's aggregate and waits for all pending writes (shutdown). */
  async flush(): Promise<void> {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.writeAggregates(this.windows.closeAll());
    await Promise.all([...this.writing]);
  }

  private arm(): void {
    if (this.timer !== null) return;
    const at = this.windows.nextCloseAt();
    if (at === null) return;
    this.timer = setTimeout(
      () => {
        this.timer = null;
        this.writeAggregates(this.windows.closeDue(this.deps.clock.now()));
        this.arm();
      },
      Math.max(0, at - this.deps.clock.now()),
    );
    this.timer.unref();
  }

  private writeAggregates(aggregates: readonly AuthFailureAggregate[]): void {
    for (const a of aggregates) {
      this.deps.logger.info(
        { remoteAddr: a.remoteAddr, count: a.count, reasons: a.reasons },
        'authentication refusals from one source summed up',
      );
      this.write(auditEvents.authFailureAggregate(a), 'gatehouse');
    }
  }

  private write(event: AuditEvent, actor: Actor): void {
    // Both types are `log` events: a failed write is logged by the auditor and resolves.
    const p = this.deps.auditor
      .record(event, actor)
      .catch(() => undefined)
      .finally(() => this.writing.delete(p));
    this.writing.add(p);
  }
}
