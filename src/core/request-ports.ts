/**
 * The access requests' ports (issue 14): what the store's RequestRepository takes and does, and
 * the judge a decision runs inside its transaction. Part of the Store port (core/ports.ts).
 */
import type { AccessRequest, RequestKind, RequestStatus, RequestedMode } from './access-request.js';
import type { Actor, EpochMs, GrantId, NdaId, RequestId } from './model.js';
import type { TransferRights } from './transfer-rights.js';

/** What a user files (`ssh USER@bastion request …`), after the rules chose `rule`. */
export interface NewRequest {
  readonly kind: RequestKind;
  readonly userName: string;
  /** `grant`: the target asked for. */
  readonly targetName: string;
  /** `extend`: the requester's grant to extend (its target and NDA are the request's). */
  readonly grantId: GrantId | null;
  readonly ndaId: NdaId;
  readonly mode: RequestedMode;
  /** The file transfer asked for, resolved against the rule; absent: none. */
  readonly transfer?: TransferRights;
  readonly durationMs: number;
  readonly reason: string;
  readonly rule: string;
  readonly approvalsRequired: number;
  readonly expiresAt: EpochMs;
}

/** One approver's decision as given (CLI, review page, or an auto-approving rule). */
export interface ApprovalInput {
  /** The approver's name: a review page account, an admin's login name, or `gatehouse`. */
  readonly approver: string;
  readonly note: string;
  /** A shorter window than requested. */
  readonly durationMs: number | null;
  /** Checklist items confirmed: item → note or link. */
  readonly confirmations: Readonly<Record<string, string>>;
}

/**
 * Run inside the decision's transaction on the request as it is then: the current rules say
 * whether this approver may decide it and how many approvals it needs (core/request-decision.ts).
 */
export type RequestJudge = (request: AccessRequest) =>
  | {
      readonly ok: true;
      readonly approvalsRequired: number;
      /** The longest window the rule allows now: the grant (or extension) is capped at it. */
      readonly ruleMaxMs: number;
      /** grants.maxDuration: the grant rules' limit on a whole window. */
      readonly maxDurationMs: number;
      /** Whether an earlier approval by this approver still counts under the rules now (default: yes). */
      readonly counts?: (approver: string) => boolean;
    }
  | { readonly ok: false; readonly message: string };

export interface RequestFilter {
  readonly userName?: string;
  readonly status?: RequestStatus;
  /** Newest first, at most this many (default 100). */
  readonly limit?: number;
}

export interface RequestRepository {
  /**
   * Files a request with its request.created event. With `autoApproval` (an auto-approving rule)
   * the same transaction approves it as `gatehouse` and makes the grant, except for a target with
   * a checklist (core/checklist.ts): its items need a person to confirm them, so it stays pending.
   */
  create(
    request: NewRequest,
    autoApproval: { readonly input: ApprovalInput; readonly judge: RequestJudge } | null,
    now: EpochMs,
    actor: Actor,
  ): Promise<AccessRequest>;
  get(id: RequestId): Promise<AccessRequest | null>;
  /** Newest first. */
  list(filter?: RequestFilter): Promise<AccessRequest[]>;
  /**
   * One approval (request.approved). The approval that reaches the number the judge says makes
   * the grant (grant.create) or extends it (grant.extend) in the same transaction. Refused when
   * the request is not pending, past its deadline, the judge refuses, or the approver already
   * approved it: two approvers at once on a one-approval request make exactly one grant.
   */
  approve(
    id: RequestId,
    input: ApprovalInput,
    judge: RequestJudge,
    now: EpochMs,
    actor: Actor,
  ): Promise<AccessRequest>;
  deny(
    id: RequestId,
    approver: string,
    reason: string,
    judge: RequestJudge,
    now: EpochMs,
    actor: Actor,
  ): Promise<AccessRequest>;
  /** The requester withdraws their pending request (request.cancelled). */
  cancel(id: RequestId, userName: string, now: EpochMs, actor: Actor): Promise<AccessRequest>;
  /** Marks pending requests past their deadline expired (request.expired each); at most `limit`. */
  expireDue(now: EpochMs, limit: number): Promise<AccessRequest[]>;
}
