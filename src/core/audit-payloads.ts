/**
 * The payload of each audit event type (DESIGN.md §3). One spelling per concept: `userId`,
 * `targetId`, `ndaId`, `grantId`, `sessionId` for ids; `user`, `target`, `reviewer` for names.
 * Type aliases, not interfaces: a payload must be assignable to a JSON object.
 * docs/audit-events.md is generated from these types (npm run docs:events). The payloads of
 * events about one session live in session-payloads.ts, re-exported here.
 */
import type { AccessDenialReason } from './access-policy.js';
import type { Confirmation } from './checklist.js';
import type {
  EpochMs,
  GrantId,
  GrantMode,
  NdaId,
  RequestId,
  SessionId,
  TargetId,
  UserId,
} from './model.js';
import type { ReviewerRole } from './reviewer-role.js';
import type { TransferRightsPayload } from './transfer-payloads.js';

export * from './session-payloads.js';
export * from './request-payloads.js';
export * from './transfer-payloads.js';
export * from './retention-payloads.js';

// --- admin actions (written by the store, in the transaction of the change) ---

export type UserChange = {
  readonly user: string;
  readonly userId: UserId;
};

export type UserKeyChange = UserChange & {
  /** SHA256 fingerprint of the key. */
  readonly fingerprint: string;
};

export type NdaCreate = {
  readonly ndaId: NdaId;
  readonly user: string;
  readonly title: string;
  readonly ref: string;
  readonly signedAt: EpochMs;
  readonly expiresAt: EpochMs | null;
  readonly documentSha256: string | null;
};

export type NdaRevoke = {
  readonly ndaId: NdaId;
  readonly reason: string;
};

export type SshTargetCreate = {
  readonly target: string;
  readonly targetId: TargetId;
  readonly kind: 'ssh';
  readonly host: string;
  readonly port: number;
  readonly login: string;
  readonly hostKey: string | null;
  /** Checklist items every grant to it must confirm (empty: none). */
  readonly requires: readonly string[];
};

export type CommandTargetCreate = {
  readonly target: string;
  readonly targetId: TargetId;
  readonly kind: 'command';
  readonly command: readonly string[];
  /** The names of the program's environment variables (their values stay out of the chain). */
  readonly envKeys: readonly string[];
  /** The account the program runs as. */
  readonly runAs: string;
  /** Checklist items every grant to it must confirm (empty: none). */
  readonly requires: readonly string[];
};

export type TargetCreate = SshTargetCreate | CommandTargetCreate;

export type TargetRemove = {
  readonly target: string;
  readonly targetId: TargetId;
};

export type TargetSet = {
  readonly target: string;
  readonly targetId: TargetId;
  /** The run-as account before (null: none, a target from before run-as existed). */
  readonly previous: string | null;
  readonly runAs: string;
};

export type TargetChecklist = {
  readonly target: string;
  readonly targetId: TargetId;
  /** The items required before (empty: none). */
  readonly previous: readonly string[];
  /** The items grants made from now on must confirm (empty: none). */
  readonly requires: readonly string[];
};

export type TargetPin = {
  readonly target: string;
  readonly targetId: TargetId;
  /** The host key pinned before, if any. */
  readonly previous: string | null;
  readonly hostKey: string;
};

export type GrantCreate = {
  readonly grantId: GrantId;
  readonly user: string;
  readonly target: string;
  readonly ndaId: NdaId;
  readonly startsAt: EpochMs;
  readonly endsAt: EpochMs;
  readonly mode: GrantMode;
  /** Command patterns (empty for a shell grant). */
  readonly allowlist: readonly string[];
  readonly reason: string;
  /** The request whose approval created it, and who approved (absent: an admin's grant). */
  readonly requestId?: RequestId;
  readonly approvers?: readonly string[];
  /**
   * The target's checklist items confirmed: item, note or link, and who confirmed (an actor).
   * Empty when the target required none; absent in events written before issue 14.
   */
  readonly confirmations: readonly Confirmation[];
  /**
   * What the grant lets its user move through SFTP: direction, path globs (empty: any path),
   * byte budget (null: none). Absent in events written before issue 16 (none).
   */
  readonly transfer: TransferRightsPayload;
};

export type GrantRevoke = {
  readonly grantId: GrantId;
  readonly reason: string;
};

export type ReviewerCreate = {
  readonly reviewer: string;
  /** Whether the reviewer has a password (else only one-time login links). */
  readonly password: boolean;
  /** What the account may use (absent in events written before roles existed: reviewer). */
  readonly roles?: readonly ReviewerRole[];
};

export type ReviewerSet = {
  readonly reviewer: string;
  readonly roles: readonly ReviewerRole[];
  readonly previousRoles: readonly ReviewerRole[];
};

/** disable, enable, password reset, remove: the account and the web sessions the change ended. */
export type ReviewerAccount = {
  readonly reviewer: string;
  /** The account's review page logins this change ended (0 for enable). */
  readonly sessionsEnded: number;
};

export type ReviewerLinkCreate = {
  readonly reviewer: string;
  /** When the one-time login link stops working. */
  readonly expiresAt: EpochMs;
};

// --- decisions at the door ---

export type AuthMethod = 'publickey' | 'publickey+keyboard-interactive';

export type AuthSuccess = {
  readonly user: string;
  /** The target named in the login (`user+target`), or null for a plain `user` login. */
  readonly target: string | null;
  readonly fingerprint: string;
  readonly method: AuthMethod;
  /**
   * The grants the login may use; empty for a plain `user` login without one (it may run
   * gatehouse's own commands, e.g. ask for access).
   */
  readonly grantIds: readonly GrantId[];
  readonly remoteAddr: string;
};

export type AuthFailureReason =
  AccessDenialReason | 'login.invalid' | 'signature.invalid' | 'nda.not_acknowledged';

export type AuthFailure = {
  /**
   * The login name as the client sent it, escaped and cut to 129 characters with a
   * `…(+N chars)` marker (src/core/untrusted-text.ts).
   */
  readonly login: string;
  /** null when the login name does not parse. */
  readonly user: string | null;
  readonly target: string | null;
  readonly fingerprint: string | null;
  readonly reason: AuthFailureReason;
  readonly remoteAddr: string;
};

export type AuthFailureReasonCount = {
  readonly reason: AuthFailureReason;
  readonly count: number;
};

export type AuthFailureAggregate = {
  /** The source: an IPv4 address or an IPv6 /64 (`2001:db8:1:2::/64`). */
  readonly remoteAddr: string;
  /** Refused attempts summed up here; none of them has an auth.failure row of its own. */
  readonly count: number;
  /** When the first of them was refused. */
  readonly firstAt: EpochMs;
  /** When the last of them was refused. */
  readonly lastAt: EpochMs;
  /** How many were refused for each reason: `{ reason, count }`, reasons as in auth.failure. */
  readonly reasons: readonly AuthFailureReasonCount[];
  /** The distinct login names they used, bounded like auth.failure's `login`; at most 10. */
  readonly logins: readonly string[];
  /** They used more distinct login names than `logins` lists. */
  readonly moreLogins: boolean;
};

export type NdaAcknowledge = {
  readonly grantId: GrantId;
  readonly ndaId: NdaId;
  readonly userId: UserId;
  /**
   * Hex sha256 of what the user agreed to: the NDA's identity and the grant's scope (target, mode,
   * allowlist, reason) as canonical JSON (src/core/scope-signoff.ts `scopeHashInput`). This and
   * the fields below are absent in events written before issue 14.
   */
  readonly scopeSha256: string;
  /** The window and the approvers shown with it (not part of the hash). */
  readonly startsAt: EpochMs;
  readonly endsAt: EpochMs;
  readonly approvers: readonly string[];
  /**
   * When carried over rather than typed: the grant where the user typed `I agree` to the same
   * NDA and scope (same scopeSha256); null when typed for this grant.
   */
  readonly carriedFrom: GrantId | null;
};

// --- the review page's door ---

export type ReviewerLoginMethod = 'password' | 'link';

export type ReviewerLogin = {
  readonly reviewer: string;
  readonly method: ReviewerLoginMethod;
  /** The client address (the per-source throttle counts its /64 for IPv6). */
  readonly remoteAddr: string;
};

export type ReviewerLoginFailureReason =
  | 'reviewer.unknown'
  | 'password.wrong'
  | 'password.none'
  | 'reviewer.disabled'
  | 'link.invalid'
  | 'throttled.source'
  | 'throttled.account';

export type ReviewerLoginFailure = {
  /**
   * The name as typed (empty for a link), escaped and cut to 129 characters with a `…(+N chars)`
   * marker (src/core/untrusted-text.ts), as auth.failure's login.
   */
  readonly login: string;
  readonly method: ReviewerLoginMethod;
  /**
   * `throttled.*`: refused before any check; written once per source and window, not once per
   * refused request.
   */
  readonly reason: ReviewerLoginFailureReason;
  readonly remoteAddr: string;
};

export type ReviewerLogout = {
  readonly reviewer: string;
};

// --- reviews ---

export type ReviewFilters = {
  readonly [
    K in
      'user' | 'target' | 'grant' | 'kind' | 'from' | 'to' | 'range' | 'flagged' | 'live' | 'page'
  ]?: string;
};

export type ReviewView =
  | {
      readonly reviewer: string;
      readonly view: 'list';
      /** The filters as the reviewer typed them. */
      readonly filters: ReviewFilters;
      readonly count: number;
    }
  | {
      readonly reviewer: string;
      /** `live`: the session followed as it happens (`/sessions/<id>/live`). */
      readonly view: 'session' | 'cast' | 'live';
      readonly sessionId: SessionId;
    }
  | {
      readonly reviewer: string;
      readonly view: 'search';
      readonly query: string;
      /** Sessions with hits. */
      readonly sessionIds: readonly SessionId[];
    }
  | {
      /** `gatehouse replay`, or `gatehouse session watch` (`watch`); the actor is the admin. */
      readonly via: 'cli';
      readonly sessionId: SessionId;
      /** Present when followed live (`session watch`). */
      readonly watch?: true;
    };

// --- audit checkpoints and the bastion's key ---

export type CheckpointSinkFailure = {
  readonly sink: 'file' | 'webhook';
  /** The checkpoint that did not arrive. */
  readonly seq: number;
  readonly problem: string;
};

export type BastionHostkeyRotate = {
  /** OpenSSH fingerprints (the key ids of signed checkpoints). */
  readonly oldKeyId: string;
  readonly newKeyId: string;
  /** Where the old public key was kept, in the keyring folder. */
  readonly retiredPublicKey: string;
};

// --- evidence ---

export type EvidenceExport = {
  readonly grantId: GrantId;
  /** Hex sha256 of the whole evidence file. */
  readonly sha256: string;
  readonly bytes: number;
  /** The seq of the signed checkpoint the file's audit segment ends at. */
  readonly throughSeq: number;
  /** The grant's sessions in the file. */
  readonly sessionCount: number;
  /** Of those, sessions exported without their recording (`--allow-missing`). */
  readonly missingRecordings: number;
};
