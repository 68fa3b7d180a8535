/**
 * The Auditor on the Store port (composition: main.ts). A failed write rejects or is logged as
 * auditEventRules says; listeners (the metrics) see each event once it is written, including
 * the events the store writes together with a session row (see announce).
 */
import type { AuditEvent } from '../core/audit-events.js';
import { onWriteFailure, type Auditor } from '../core/auditor.js';
import type { Actor, AuditRepository } from '../core/ports.js';
import type { Logger } from '../logging/logger.js';

/** Called after an event is written; must not throw (a throw is logged and ignored). */
export type AuditListener = (event: AuditEvent) => void;

export class StoreAuditor implements Auditor {
  readonly #audit: Pick<AuditRepository, 'append'>;
  readonly #logger: Logger;
  readonly #listeners: AuditListener[] = [];

  constructor(audit: Pick<AuditRepository, 'append'>, logger: Logger) {
    this.#audit = audit;
    this.#logger = logger;
  }

  subscribe(listener: AuditListener): void {
    this.#listeners.push(listener);
  }

  async record(event: AuditEvent, actor: Actor): Promise<void> {
    try {
      await this.#audit.append(event, actor);
    } catch (err) {
      if (onWriteFailure(event.type) === 'refuse') throw err;
      this.#logger.error({ err, type: event.type, actor }, 'audit write failed');
      return;
    }
    this.announce(event);
  }

  /** Tells the listeners about an event another store write committed (session start and end). */
  announce(event: AuditEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (err) {
        this.#logger.error({ err, type: event.type }, 'audit listener failed');
      }
    }
  }
}
