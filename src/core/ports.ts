/**
 * Ports: the store as the rest of the system sees it. `store/` implements them on SQLite; `cli/`,
 * `ssh/` and `web/` use only these interfaces (a PostgreSQL store can implement them later).
 *
 * Every write method runs in one transaction together with its audit event, and either
 * completes or changes nothing. Refusals throw GatehouseError with a one-line message.
 */
import type { AuditCheckpoint, ChainPoint } from './audit-checkpoint.js';
import type { AuditEvent, AuditEventOf } from './audit-events.js';
import type { Confirmation } from './checklist.js';
import type { ChangeSignals } from './change-signals.js';
import type { SignoffScope } from './scope-signoff.js';
import type { SessionKind } from './session-summary.js';
import type { TransferRights } from './transfer-rights.js';
import type {
  Actor,
  AuditRecord,
  CommandTarget,
  EpochMs,
  Grant,
  GrantId,
  GrantMode,
  Nda,
  NdaId,
  RequestId,
  Session,
  SessionEndReason,
  SessionId,
  SshTarget,
  StdinDigest,
  Target,
  TargetId,
  User,
  UserId,
  UserKey,
} from './model.js';
import type { NotificationRepository } from './notification-ports.js';
import type { RecordingTextRepository } from './recording-search.js';
import type { RecordingRetentionRepository } from './retention.js';
import type { RequestRepository } from './request-ports.js';
import type { TransferLogRepository } from './transfer-entries.js';
import type { ReviewerLoginRepository, ReviewerRepository } from './reviewer-ports.js';

export type { Actor };
export type { NotificationRepository } from './notification-ports.js';
export type { ReviewerLoginRepository, ReviewerRepository } from './reviewer-ports.js';
export type {
  ApprovalInput,
  NewRequest,
  RequestFilter,
  RequestJudge,
  RequestRepository,
} from './request-ports.js';

export interface NewKey {
  readonly algorithm: string;
  readonly blob: string;
  readonly fingerprint: string;
  readonly comment: string;
}

export interface UserRepository {
  /** Creates a user with its first key. Conflict when the name or key fingerprint exists. */
  add(name: string, key: NewKey, actor: Actor): Promise<User>;
  list(): Promise<User[]>;
  findByName(name: string): Promise<User | null>;
  get(id: UserId): Promise<User | null>;
  setDisabled(name: string, disabled: boolean, actor: Actor): Promise<User>;
  keys(userId: UserId): Promise<UserKey[]>;
  addKey(name: string, key: NewKey, actor: Actor): Promise<UserKey>;
  /** Removes the key with that fingerprint from the user. not_found when it is not theirs. */
  removeKey(name: string, fingerprint: string, actor: Actor): Promise<void>;
}

export interface NewNda {
  readonly userName: string;
  readonly title: string;
  readonly ref: string;
  readonly signedAt: EpochMs;
  readonly expiresAt: EpochMs | null;
  readonly documentSha256: string | null;
}

export interface NdaRepository {
  add(nda: NewNda, actor: Actor): Promise<Nda>;
  get(id: NdaId): Promise<Nda | null>;
  list(filter?: { readonly userName?: string }): Promise<Nda[]>;
  revoke(id: NdaId, reason: string, actor: Actor): Promise<Nda>;
}

export interface NewSshTarget {
  readonly kind?: 'ssh';
  readonly name: string;
  /** Checklist items (core/checklist.ts); absent: none. */
  readonly requires?: readonly string[];
  readonly host: string;
  readonly port: number;
  readonly login: string;
  readonly hostKey: string | null;
}

/** A program on the bastion host; argv[0] absolute (the CLI resolves it), env keys ^[A-Z_][A-Z0-9_]*$. */
export interface NewCommandTarget {
  readonly kind: 'command';
  readonly name: string;
  /** Checklist items (core/checklist.ts); absent: none. */
  readonly requires?: readonly string[];
  readonly command: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** The account the program runs as (the CLI has checked it is neither root nor the service's). */
  readonly runAs: string;
}

export type NewTarget = NewSshTarget | NewCommandTarget;

export interface TargetRepository {
  add(target: NewTarget, actor: Actor): Promise<Target>;
  get(id: TargetId): Promise<Target | null>;
  findByName(name: string): Promise<Target | null>;
  list(): Promise<Target[]>;
  /** Refused while the target has grants that are active or not yet started. */
  remove(name: string, actor: Actor): Promise<void>;
  /** Refused for a command target (it has no host key). */
  pinHostKey(name: string, hostKey: string, actor: Actor): Promise<SshTarget>;
  /** A command target's run-as account; refused for an ssh target. */
  setRunAs(name: string, runAs: string, actor: Actor): Promise<CommandTarget>;
  /** Replaces the checklist grants to the target must confirm (empty: none); later grants only. */
  setRequires(name: string, requires: readonly string[], actor: Actor): Promise<Target>;
}

export interface NewGrant {
  readonly userName: string;
  readonly targetName: string;
  readonly ndaId: NdaId;
  readonly startsAt: EpochMs;
  readonly endsAt: EpochMs;
  readonly mode: GrantMode;
  readonly allowlist: readonly string[];
  readonly reason: string;
  /**
   * The target's checklist items confirmed, each by its actor (an admin's `--confirm`, or an
   * approver's; core/checklist.ts `confirmationsOfApprovals`). Absent: none given.
   */
  readonly confirmations?: readonly Confirmation[];
  /** What the grant lets its user move through SFTP (core/transfer-rights.ts). Absent: none. */
  readonly transfer?: TransferRights;
}

export interface GrantRepository {
  /**
   * Validates the grant rules (DESIGN.md §2, core/grant-rules.ts) inside the write transaction,
   * so a concurrent NDA revocation cannot slip between check and insert.
   */
  add(grant: NewGrant, maxDurationMs: number, now: EpochMs, actor: Actor): Promise<Grant>;
  get(id: GrantId): Promise<Grant | null>;
  /** Oldest first; with `latest`, only the newest that many, newest first. */
  list(filter?: {
    readonly activeAt?: EpochMs;
    readonly userName?: string;
    readonly targetName?: string;
    readonly latest?: number;
  }): Promise<Grant[]>;
  /** All grants of a user for a target (any state): input for decideAccess. */
  forUserAndTarget(userId: UserId, targetId: TargetId): Promise<Grant[]>;
  forUser(userId: UserId): Promise<Grant[]>;
  revoke(id: GrantId, reason: string, now: EpochMs, actor: Actor): Promise<Grant>;
  /**
   * Moves a live grant's end `byMs` later (grant.extend), capped at its NDA's expiry; refused for
   * a revoked or ended grant, or when the whole window would pass `maxDurationMs`.
   */
  extend(
    id: GrantId,
    byMs: number,
    reason: string,
    maxDurationMs: number,
    now: EpochMs,
    actor: Actor,
  ): Promise<Grant>;
  /** `I agree` typed: the NDA and scope acknowledged with the scope's hash (nda.acknowledge). */
  acknowledgeNda(id: GrantId, now: EpochMs, actor: Actor): Promise<Grant>;
  /**
   * When another grant under the same NDA was acknowledged with the same scope hash
   * (core/scope-signoff.ts), marks this one acknowledged too (nda.acknowledge with `carriedFrom`)
   * and returns it; null when the user must be asked. An acknowledged grant is returned as is.
   */
  carryOverNdaAcknowledgement(id: GrantId, now: EpochMs, actor: Actor): Promise<Grant | null>;
  /** What the user is asked to agree to for this grant: its NDA and scope. */
  signoffScope(id: GrantId): Promise<SignoffScope>;
  /**
   * Takes up to `bytes` from the grant's transfer budget in one transaction, so sessions on two
   * connections never take more than it holds together; resolves to what was taken: all of
   * `bytes` when the grant has no budget, 0 once it is spent or for an unknown grant.
   */
  takeTransferBudget(id: GrantId, bytes: number): Promise<number>;
  /** Bytes taken from the grant's transfer budget so far (0 for an unknown grant). */
  transferUsed(id: GrantId): Promise<number>;
}

export interface NewSession {
  readonly id: SessionId;
  readonly grantId: GrantId;
  readonly userId: UserId;
  readonly targetId: TargetId;
  readonly startedAt: EpochMs;
  readonly recordingPath: string | null;
  /** For the session list; absent: unknown (shown as '-'). */
  readonly kind?: SessionKind;
  /** The exec's command; the store keeps it bounded (core/session-summary.ts listedCommand). */
  readonly command?: string | null;
}

export interface SessionEnd {
  readonly endedAt: EpochMs;
  readonly reason: SessionEndReason;
  readonly exitStatus: number | null;
  readonly bytes: number | null;
  readonly sha256: string | null;
  /** A session without a pty: what it received on stdin. Absent: null. */
  readonly stdin?: StdinDigest | null;
}

/** Session list filters; every field optional, all given must match. Oldest first. */
export interface SessionFilter {
  /** Only the newest this many, newest first (`session list --limit`). */
  readonly latest?: number;
  /** true: only open sessions; false: only ended ones. */
  readonly live?: boolean;
  readonly userName?: string;
  /** Any target with that name, removed ones included. */
  readonly targetName?: string;
  readonly grantId?: GrantId;
  readonly kind?: SessionKind;
  /** Sessions open at some moment at or after this time (still live, or ended at or after it). */
  readonly since?: EpochMs;
  /** Sessions started before this time. */
  readonly until?: EpochMs;
}

export interface SessionRepository {
  start(session: NewSession, event: AuditEventOf<'session.start'>, actor: Actor): Promise<Session>;
  end(
    id: SessionId,
    end: SessionEnd,
    event: AuditEventOf<'session.end'>,
    actor: Actor,
  ): Promise<Session>;
  get(id: SessionId): Promise<Session | null>;
  /** Up to `limit` ids that start with `prefix`, in id order (a short id typed on the CLI). */
  idsStartingWith(prefix: string, limit: number): Promise<SessionId[]>;
  list(filter?: SessionFilter): Promise<Session[]>;
  /**
   * Marks a live session for termination with a reason (core/kill-reason.ts, checked by the
   * caller); the serving process polls and closes it, showing the user the reason.
   */
  requestKill(id: SessionId, now: EpochMs, actor: Actor, reason: string): Promise<void>;
  /** Live sessions whose kill was requested. */
  killRequested(): Promise<KillRequest[]>;
}

export interface KillRequest {
  readonly sessionId: SessionId;
  /** null: requested before reasons were kept (migration 14). */
  readonly reason: string | null;
}

export type AuditVerification =
  | { readonly ok: true; readonly count: number }
  | { readonly ok: false; readonly count: number; readonly seq: number; readonly problem: string };

export interface AuditRepository {
  /** Appends one event in its own transaction (events with no other write). */
  append(event: AuditEvent, actor: Actor): Promise<AuditRecord>;
  list(filter?: {
    readonly since?: EpochMs;
    readonly type?: string;
    /** Only events whose payload names this request (`requestId`): a request's history. */
    readonly requestId?: RequestId;
    readonly limit?: number;
  }): Promise<AuditRecord[]>;
  verify(): Promise<AuditVerification>;
  /** The last event's (seq, hash); null when the chain is empty. */
  head(): Promise<ChainPoint | null>;
  /** The (seq, hash) of those of `seqs` that exist. */
  points(seqs: readonly number[]): Promise<ChainPoint[]>;
  /**
   * Up to `limit` events with seq > `afterSeq`, oldest first, optionally only those with
   * `since` <= ts < `until`: a bounded page for streaming exports (pass the last seq back in).
   */
  page(
    afterSeq: number,
    limit: number,
    filter?: { readonly since?: EpochMs; readonly until?: EpochMs },
  ): Promise<AuditRecord[]>;
}

/** Signed checkpoints of the audit chain, as stored beside it (not audit events themselves). */
export interface CheckpointRepository {
  add(checkpoint: AuditCheckpoint): Promise<void>;
  /** Every stored checkpoint, oldest seq first. */
  list(): Promise<AuditCheckpoint[]>;
  /** The checkpoint with the highest seq (the newest of those), or null. */
  latest(): Promise<AuditCheckpoint | null>;
}

export interface Store {
  readonly users: UserRepository;
  readonly ndas: NdaRepository;
  readonly targets: TargetRepository;
  readonly grants: GrantRepository;
  readonly requests: RequestRepository;
  readonly sessions: SessionRepository;
  readonly audit: AuditRepository;
  readonly checkpoints: CheckpointRepository;
  readonly reviewers: ReviewerRepository;
  readonly reviewerLogins: ReviewerLoginRepository;
  readonly notifications: NotificationRepository;
  /** The search index of recorded output (core/recording-search.ts). */
  readonly recordingText: RecordingTextRepository;
  /** Transfer sessions' logs (core/transfer-entries.ts). */
  readonly transfers: TransferLogRepository;
  /** Revocations, disables and kills as they are made (core/change-signals.ts). */
  readonly changes: ChangeSignals;
  /** Recordings pruned by retention and legal holds (core/retention.ts). */
  readonly retention: RecordingRetentionRepository;
  close(): Promise<void>;
}
