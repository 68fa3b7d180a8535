import type { KeyObject } from 'node:crypto';
import { auditEvents, type AuditEvent } from '../core/audit-events.js';
import type { RecordingFailureStage, SessionRef } from '../core/audit-payloads.js';
import type { AlertRule } from '../core/alert-rules.js';
import type { Auditor } from '../core/auditor.js';
import type { Clock } from '../core/clock.js';
import type { KeepTransfersSettings } from '../core/kept-transfers.js';
import type { Store } from '../core/ports.js';
import type { Logger } from '../logging/logger.js';
import type { RecordingStore } from '../recording/recording-store.js';
import type { SessionTapFactory } from '../session/ports.js';

/** What the session lifecycle works with (composition: main.ts). */
export interface LifecycleDeps {
  readonly store: Store;
  readonly taps: SessionTapFactory;
  /** The spool: where recordings are written and sealed (`recordings.dir`). */
  readonly recordingsDir: string;
  /** Where sealed recordings are kept and read (absent: the local store, `recordingsDir`). */
  readonly recordings?: RecordingStore;
  /** Signs the recordings' manifests (the bastion's host key). */
  readonly signingKey: KeyObject;
  /**
   * Config `node.name`: start-up recovery closes only this node's sessions left open (and those
   * written before sessions named a node), never another live node's.
   */
  readonly node?: string;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly auditor: Auditor;
  /** Config `recordings.keepTransfers` as it is now (read per transfer session; null: off). */
  keepTransfers?(): KeepTransfersSettings | null;
  /** Config `alerts` rules as they are now (read per session; none when absent). */
  alertRules?(): readonly AlertRule[];
  /** Tells the auditor's listeners (the metrics) of an event written with a session row. */
  announce(event: AuditEvent): void;
}

/** Audits a recording problem (`recording.failure`) at `stage`. */
export function recordingFailure(
  deps: LifecycleDeps,
  subject: SessionRef & { readonly mode?: 'strict' | 'best_effort' },
  stage: RecordingFailureStage,
  problem: string,
  actor: string,
): Promise<void> {
  return deps.auditor.record(auditEvents.recordingFailure({ ...subject, stage, problem }), actor);
}
