/** Domain types shared by every layer. Ids are branded so a GrantId cannot be passed as a UserId. */
import type { Confirmation } from './checklist.js';
import type { SessionKind } from './session-summary.js';
import type { TransferRights } from './transfer-rights.js';

declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };

export type UserId = Brand<number, 'UserId'>;
export type UserKeyId = Brand<number, 'UserKeyId'>;
export type NdaId = Brand<number, 'NdaId'>;
export type TargetId = Brand<number, 'TargetId'>;
export type GrantId = Brand<number, 'GrantId'>;
export type RequestId = Brand<number, 'RequestId'>;
/** A session id is a UUID string. */
export type SessionId = Brand<string, 'SessionId'>;

/** Epoch milliseconds, UTC. */
export type EpochMs = number;

export interface User {
  readonly id: UserId;
  readonly name: string;
  readonly disabled: boolean;
  readonly createdAt: EpochMs;
}

export interface UserKey {
  readonly id: UserKeyId;
  readonly userId: UserId;
  /** Key algorithm, e.g. `ssh-ed25519`. */
  readonly algorithm: string;
  /** Base64 of the public key blob, as in an authorized_keys line. */
  readonly blob: string;
  /** `SHA256:<base64 without padding>`, as OpenSSH prints it. */
  readonly fingerprint: string;
  readonly comment: string;
  readonly createdAt: EpochMs;
}

export interface Nda {
  readonly id: NdaId;
  readonly userId: UserId;
  readonly title: string;
  readonly ref: string;
  readonly signedAt: EpochMs;
  /** null: no end date. */
  readonly expiresAt: EpochMs | null;
  /** Hex sha256 of the signed document, when one was given. */
  readonly documentSha256: string | null;
  readonly revokedAt: EpochMs | null;
  readonly createdAt: EpochMs;
}

interface TargetBase {
  readonly id: TargetId;
  readonly name: string;
  readonly createdAt: EpochMs;
  /** Checklist items every grant to it must confirm (core/checklist.ts); empty: none. */
  readonly requires: readonly string[];
}

/**
 * A host the bastion reaches over ssh. `kind` is always set on targets read from the store; it is
 * optional so that an ssh target can still be written as before (`{ host, port, login, hostKey }`).
 */
export interface SshTarget extends TargetBase {
  readonly kind?: 'ssh';
  readonly host: string;
  readonly port: number;
  readonly login: string;
  /** Pinned host key as `algorithm base64`, or null when not yet pinned. */
  readonly hostKey: string | null;
}

/**
 * A program run on the bastion host itself in a pty (issue 7), as its `runAs` account, confined
 * (issue 13): no shell, argv only, an environment of the account's passwd entries and `env`
 * (plus TERM from the user's pty request).
 */
export interface CommandTarget extends TargetBase {
  readonly kind: 'command';
  /** argv; argv[0] is an absolute path. */
  readonly command: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /**
   * The account of the bastion host the program runs as (issue 13); null on a target added before
   * run-as existed: such a target is refused until an admin sets one (`target set --run-as`).
   */
  readonly runAs: string | null;
}

export type Target = SshTarget | CommandTarget;
export type TargetKind = 'ssh' | 'command';

export const isCommandTarget = (t: Target): t is CommandTarget => t.kind === 'command';

export type GrantMode = 'shell' | 'commands';

export interface Grant {
  readonly id: GrantId;
  readonly userId: UserId;
  readonly targetId: TargetId;
  readonly ndaId: NdaId;
  readonly startsAt: EpochMs;
  readonly endsAt: EpochMs;
  readonly mode: GrantMode;
  /** Allowlist patterns (mode `commands`); empty for `shell`. */
  readonly allowlist: readonly string[];
  readonly reason: string;
  readonly createdBy: string;
  readonly createdAt: EpochMs;
  readonly revokedAt: EpochMs | null;
  readonly revokeReason: string | null;
  /**
   * When the user typed `I agree` to the grant's NDA and scope (or an earlier agreement was
   * carried over); null until then.
   */
  readonly ndaAcknowledgedAt: EpochMs | null;
  /** Hex sha256 of the NDA and scope agreed to (core/scope-signoff.ts); null until then. */
  readonly ndaScopeSha256: string | null;
  /** When carried over: the grant where `I agree` was typed for the same NDA and scope. */
  readonly ndaCarriedFrom: GrantId | null;
  /** The access request whose approval created it (issue 14); null for an admin's grant. */
  readonly requestId: RequestId | null;
  /** The target's checklist items as confirmed when the grant was made (empty: none required). */
  readonly confirmations: readonly Confirmation[];
  /** What it lets its user move through SFTP (issue 16): `none` unless granted. */
  readonly transfer: TransferRights;
}

/** What an allowed login may do: the outcome of decideAccess. */
export interface Permit {
  readonly grantId: GrantId;
  readonly userId: UserId;
  readonly targetId: TargetId;
  readonly ndaId: NdaId;
  readonly mode: GrantMode;
  readonly allowlist: readonly string[];
  readonly endsAt: EpochMs;
}

export type SessionEndReason =
  'closed' | 'expired' | 'revoked' | 'killed' | 'shutdown' | 'interrupted' | 'error';

export interface Session {
  readonly id: SessionId;
  readonly grantId: GrantId;
  readonly userId: UserId;
  readonly targetId: TargetId;
  readonly startedAt: EpochMs;
  readonly endedAt: EpochMs | null;
  readonly endReason: SessionEndReason | null;
  readonly exitStatus: number | null;
  readonly recordingPath: string | null;
  readonly bytes: number | null;
  readonly sha256: string | null;
  /** What a session without a pty received on stdin (an upload); null under a pty or unknown. */
  readonly stdin: StdinDigest | null;
  /** Null for sessions from before migration 13 whose session.start could not be read. */
  readonly kind: SessionKind | null;
  /** The exec's command, bounded (core/session-summary.ts); null for a shell or prompt. */
  readonly command: string | null;
  /** Times an alert rule flagged the session. */
  readonly flagCount: number;
  /** The node that opened it (issue 17, config `node.name`); null before migration 19. */
  readonly node: string | null;
  /** When retention pruned its recording (migration 18, docs/retention.md); the row stays. */
  readonly recordingPrunedAt: EpochMs | null;
  /** A legal hold: prune never touches the recording while it holds. */
  readonly hold: RecordingHold | null;
}

/** Why, by whom (the audit actor) and since when a session's recording is kept. */
export interface RecordingHold {
  readonly reason: string;
  readonly by: Actor;
  readonly at: EpochMs;
}

/** Bytes relayed from the user to the target, counted and hashed (hex sha256). */
export type StdinDigest = {
  readonly bytes: number;
  readonly sha256: string;
};

export interface AuditRecord {
  readonly seq: number;
  readonly ts: EpochMs;
  readonly actor: string;
  readonly type: string;
  readonly payload: Readonly<Record<string, unknown>>;
  readonly prevHash: string;
  readonly hash: string;
  /** The node that wrote it (issue 17); null for events written without one. */
  readonly node: string | null;
}

/**
 * Who did it: an admin (`os:…`, core/admin-actor.ts), `user:<name>`, `reviewer:<name>`,
 * `gatehouse`, or a client not logged in (`ssh:unknown`, `web:unknown`); see core/auditor.ts.
 */
export type Actor = string;
