/**
 * What the session side needs from the rest of the system. main.ts passes implementations built
 * on the Store port (src/adapters/store-access-gate.ts); the ssh side never imports store/.
 */
import type { AccessFacts } from '../core/access-policy.js';
import type { ChangeSignals } from '../core/change-signals.js';
import type {
  GrantId,
  EpochMs,
  Grant,
  SessionEndReason,
  SessionId,
  StdinDigest,
  Target,
} from '../core/model.js';
import type { Actor, KillRequest } from '../core/ports.js';
import type { Refusal } from '../core/refusal.js';
import type { NdaSignoff } from '../core/scope-signoff.js';
import type { Pty } from '../stream/channels.js';

export interface AllTargetFacts {
  readonly base: AccessFacts;
  readonly perTarget: readonly AccessFacts[];
}

export interface AccessGate {
  /** Facts for one login attempt or one watcher re-check of `user+target`. */
  loadFacts(userName: string, targetName: string, keyFingerprint: string): Promise<AccessFacts>;
  /** The user and their keys only (target null, no grants): for an unsigned key probe. */
  loadKeyFacts(userName: string, keyFingerprint: string): Promise<AccessFacts>;
  /**
   * Facts for a plain `user` login: `base` has the user and keys only (target null, no grants);
   * `perTarget` one entry per target the user has grants for (any state).
   */
  loadFactsForAllTargets(userName: string, keyFingerprint: string): Promise<AllTargetFacts>;
  /**
   * Before asking for `I agree` to a grant's NDA and scope: an earlier agreement to the same NDA
   * and scope is carried over (the store writes nda.acknowledge with `carriedFrom`); else the
   * scope to show.
   */
  prepareNdaSignoff(grantId: GrantId, now: EpochMs, actor: Actor): Promise<NdaSignoff>;
  /** Records `I agree` (the store writes the nda.acknowledge audit event with the scope's hash). */
  acknowledgeNda(grantId: GrantId, now: EpochMs, actor: Actor): Promise<void>;
  /** Live sessions an admin or approver asked to end, with the reason to show the user. */
  killRequested(): Promise<KillRequest[]>;
  /**
   * Takes up to `bytes` from a grant's transfer budget in one transaction (all its sessions share
   * it); resolves to what it got, 0 once spent (issue 16).
   */
  takeTransferBudget(grantId: GrantId, bytes: number): Promise<number>;
  /** Revocations, disables and kills as they are made, to re-check at once (the grant watcher). */
  readonly changes: ChangeSignals;
}

export type TapStream = 'stdout' | 'stderr';

/** What a closed tap left behind: the values the session row, the manifest and the chain hold. */
export interface TapSeal {
  /** `YYYY/MM/DD/<uuid>.cast`, relative to the recordings dir. */
  readonly relativePath: string;
  readonly sha256: string;
  readonly bytes: number;
  readonly events: number;
}

/**
 * The recorder as the relay sees it (main.ts builds it on src/recording/). Never throws and never
 * blocks: output()/input() return false when the recorder is backed up — the relay then stops
 * reading until a drain listener fires (flow control, as with a stream's write()).
 */
export interface SessionTap {
  readonly relativePath: string;
  output(data: Buffer, stream: TapStream): boolean;
  input(data: Buffer): boolean;
  resize(cols: number, rows: number): void;
  marker(text: string): void;
  onDrain(listener: () => void): void;
  /**
   * Once, when the recording breaks mid-session (`reason` is one line, for audit and logs);
   * `limitReached`: it reached its size limit, which ends the session in any mode.
   */
  onFailure(listener: (reason: string, limitReached: boolean) => void): void;
  /** Flushes and closes. Resolves with what reached the file; idempotent. */
  close(): Promise<TapSeal>;
}

export interface TapOpenInfo {
  readonly sessionId: SessionId;
  readonly startedAt: EpochMs;
  readonly cols: number;
  readonly rows: number;
  readonly term: string | null;
  /** `user@target: command` or `user@target`. */
  readonly title: string;
}

export type TapOpenResult =
  | { readonly ok: true; readonly tap: SessionTap }
  | { readonly ok: false; readonly problem: string };

export interface SessionTapFactory {
  readonly mode: 'strict' | 'best_effort';
  open(info: TapOpenInfo): Promise<TapOpenResult>;
}

/** What a session channel is about to relay: the opening of its record. */
export interface SessionOpening {
  readonly sessionId: SessionId;
  readonly grant: Grant;
  readonly target: Target;
  readonly userName: string;
  readonly command: string | null;
  readonly pty: Pty | null;
  readonly remoteAddr: string;
  readonly startedAt: EpochMs;
  /** Set for the sftp subsystem (kind `sftp`); else the kind follows the command and grant. */
  readonly subsystem?: 'sftp';
}

export interface SessionClosing {
  readonly reason: SessionEndReason;
  readonly exitStatus: number | null;
  readonly bytesIn: number;
  readonly bytesOut: number;
  /** Without a pty: what the session received on stdin; null under a pty. */
  readonly stdin: StdinDigest | null;
}

/** A session whose row and recording are open. */
export interface OpenSession {
  /** The recording's one door for bytes; null when best_effort went on without a recording. */
  readonly tap: SessionTap | null;
  marker(text: string): void;
  resize(cols: number, rows: number): void;
  /**
   * `end` is called once, with the one line to show, when the recording breaks in strict mode or
   * reaches its size limit in any mode.
   */
  onEndingFailure(end: (line: string) => void): void;
  /**
   * Config `alerts` on a command about to run (an exec, a restricted-prompt line): matching rules
   * flagged; the one line to refuse it with, ending the session, when one says `end`; else null.
   */
  checkCommand(command: string): string | null;
  /** `end` is called once, with the line to show, when an `end` alert rule matches output or input. */
  onAlertEnd(end: (line: string) => void): void;
  /** Seals the recording (manifest, recording.sealed), then ends the row (session.end); once. */
  seal(closing: SessionClosing): Promise<void>;
}

/**
 * The owner of a session's record (src/lifecycle/): open → seal, the same seal for a live close
 * and for crash recovery. A strict recording that cannot be opened is a refusal.
 */
export interface SessionLifecycle {
  open(opening: SessionOpening): Promise<OpenSession | Refusal>;
}
