/**
 * What the ssh layer needs from the rest of the system. main.ts passes an implementation built
 * on the Store port (src/adapters/store-access-gate.ts); ssh/ never imports store/.
 */
import type { AccessFacts } from '../core/access-policy.js';
import type { AuditEvent } from '../core/audit-events.js';
import type { GrantId, EpochMs, SessionId } from '../core/model.js';
import type { Actor, NewSession, SessionEnd } from '../core/ports.js';

export interface AllTargetFacts {
  readonly base: AccessFacts;
  readonly perTarget: readonly AccessFacts[];
}

export interface AccessGate {
  /** Facts for one login attempt or one watcher re-check of `user+target`. */
  loadFacts(userName: string, targetName: string, keyFingerprint: string): Promise<AccessFacts>;
  /**
   * Facts for a plain `user` login: `base` has the user and keys only (target null, no grants);
   * `perTarget` one entry per target the user has grants for (any state).
   */
  loadFactsForAllTargets(userName: string, keyFingerprint: string): Promise<AllTargetFacts>;
  /** Records `I agree` (the store writes the nda.acknowledge audit event). */
  acknowledgeNda(grantId: GrantId, now: EpochMs, actor: Actor): Promise<void>;
  recordAudit(event: AuditEvent, actor: Actor): Promise<void>;
  startSession(session: NewSession, event: AuditEvent, actor: Actor): Promise<void>;
  endSession(id: SessionId, end: SessionEnd, event: AuditEvent, actor: Actor): Promise<void>;
  /** Ids of live sessions an admin asked to end (`gatehouse session kill`). */
  killRequested(): Promise<SessionId[]>;
}

/**
 * Seam for the recorder (a later issue): the relay reports what it sees, the recorder writes it.
 * Absent today; the relay calls it when given.
 */
export interface SessionTap {
  output(data: Buffer): void;
  input(data: Buffer): void;
  resize(cols: number, rows: number): void;
  marker(text: string): void;
  close(): Promise<{ readonly path: string | null; readonly bytes: number; readonly sha256: string | null }>;
}

export interface SessionTapFactory {
  open(sessionId: SessionId, info: { readonly cols: number; readonly rows: number; readonly command: string | null }): Promise<SessionTap>;
}
