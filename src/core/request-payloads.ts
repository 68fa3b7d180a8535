/**
 * The payloads of access request events (issue 14), re-exported by audit-payloads.ts. The chain
 * of an approved request reads request.created → request.approved (each approver, with note and
 * confirmations) → grant.create (or grant.extend) naming the request.
 */
import type { RequestKind } from './access-request.js';
import type { EpochMs, GrantId, NdaId, RequestId } from './model.js';
import type { TransferRightsPayload } from './transfer-payloads.js';

export type RequestCreated = {
  readonly requestId: RequestId;
  readonly kind: RequestKind;
  readonly user: string;
  readonly target: string;
  readonly ndaId: NdaId;
  /** `shell`, `allowlist` or `profile`. */
  readonly mode: string;
  /** The profile's name, when mode is `profile`. */
  readonly profile: string | null;
  readonly allowlist: readonly string[];
  /**
   * The file transfer the grant will carry (an extension's: its grant's). Absent in events
   * written before issue 16 (none).
   */
  readonly transfer: TransferRightsPayload;
  readonly durationMs: number;
  readonly reason: string;
  readonly rule: string;
  readonly approvalsRequired: number;
  /** A pending request expires at this time. */
  readonly expiresAt: EpochMs;
  /** The grant an extension request is for (null for a new grant). */
  readonly grantId: GrantId | null;
};

export type RequestApproved = {
  readonly requestId: RequestId;
  /** The approver's name (a review page account, an admin's login name, or `gatehouse`). */
  readonly approver: string;
  readonly note: string;
  /** A shorter window than requested, when the approver gave one. */
  readonly durationMs: number | null;
  /** Checklist items this approver confirmed: item → note or link. */
  readonly confirmations: Readonly<Record<string, string>>;
  /** Distinct approvals so far, this one included, and how many the rule needs. */
  readonly approvals: number;
  readonly approvalsRequired: number;
};

export type RequestDenied = {
  readonly requestId: RequestId;
  readonly approver: string;
  readonly reason: string;
};

export type RequestCancelled = {
  readonly requestId: RequestId;
  readonly user: string;
};

export type RequestExpired = {
  readonly requestId: RequestId;
  readonly user: string;
  readonly target: string;
};

/**
 * A user's request that no rule allows (`ssh USER@bastion request …`), refused before anything was
 * filed: the rules' reason, so probing for targets shows in the chain.
 */
export type RequestRefused = {
  readonly user: string;
  readonly kind: RequestKind;
  /** The target asked for (a valid name), or the target of the grant to extend. */
  readonly target: string;
  /** `extend`: the grant. */
  readonly grantId: GrantId | null;
  /** What the user was told, bounded. */
  readonly detail: string;
};

export type GrantExtend = {
  readonly grantId: GrantId;
  readonly previousEndsAt: EpochMs;
  readonly endsAt: EpochMs;
  readonly reason: string;
  /** The approved extension request; null when an admin extended it directly. */
  readonly requestId: RequestId | null;
};
