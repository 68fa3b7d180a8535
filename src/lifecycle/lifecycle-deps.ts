import type { KeyObject } from 'node:crypto';
import type { AuditEvent, JsonValue } from '../core/audit-events.js';
import type { Clock } from '../core/clock.js';
import type { Store } from '../core/ports.js';
import type { Logger } from '../logging/logger.js';
import type { SessionTapFactory } from '../session/ports.js';

/** What the session lifecycle works with (composition: main.ts). */
export interface LifecycleDeps {
  readonly store: Store;
  readonly taps: SessionTapFactory;
  readonly recordingsDir: string;
  /** Signs the recordings' manifests (the bastion's host key). */
  readonly signingKey: KeyObject;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Appends an event whose failed write is logged, never fatal to the session. */
  auditLogged(event: AuditEvent, actor: string): Promise<void>;
  /** Sees each event written with a session row (session.start, session.end): the metrics. */
  observe(event: AuditEvent): void;
}

/** Audits a recording problem (`recording.failure`) at `stage`; a failed write is logged. */
export function recordingFailure(
  deps: LifecycleDeps,
  subject: Readonly<Record<string, JsonValue>>,
  stage: string,
  problem: string,
  actor: string,
): Promise<void> {
  return deps.auditLogged({ type: 'recording.failure', payload: { ...subject, stage, problem } }, actor);
}
