/**
 * Access requests (issue 14): a user asks for a grant (or more time on one), approvers decide.
 * The store keeps them; core/request-rules.ts says who may ask for what and who approves.
 */
import type { EpochMs, GrantId, GrantMode, NdaId, RequestId, TargetId, UserId } from './model.js';
import type { TransferRights } from './transfer-rights.js';

export type { RequestId };

/** `grant`: a new grant; `extend`: more time on an existing grant of the requester. */
export type RequestKind = 'grant' | 'extend';

export type RequestStatus = 'pending' | 'approved' | 'denied' | 'cancelled' | 'expired';

/**
 * What the grant may do: a shell, free allowlist patterns, or a named profile (config
 * `profiles`, resolved to its patterns when the request is filed).
 */
export type RequestedMode =
  | { readonly kind: 'shell' }
  | { readonly kind: 'allowlist'; readonly patterns: readonly string[] }
  | { readonly kind: 'profile'; readonly name: string; readonly patterns: readonly string[] };

/** One approver's yes, with the checklist items they confirmed (item → note or link). */
export interface Approval {
  readonly approver: string;
  readonly actor: string;
  readonly note: string;
  readonly at: EpochMs;
  /** A shorter window than requested, when the approver gave one. */
  readonly durationMs: number | null;
  readonly confirmations: Readonly<Record<string, string>>;
}

export interface AccessRequest {
  readonly id: RequestId;
  readonly kind: RequestKind;
  readonly userId: UserId;
  readonly userName: string;
  readonly targetId: TargetId;
  readonly targetName: string;
  readonly ndaId: NdaId;
  readonly mode: RequestedMode;
  /**
   * The file transfer the grant will carry, as resolved against the rule when filed; an
   * extension's is its grant's (so the rule deciding it must allow that transfer too).
   */
  readonly transfer: TransferRights;
  /** How long the grant (or the extension) should last. */
  readonly durationMs: number;
  readonly reason: string;
  /** The rule the request was filed under (config `requests.rules[].name`). */
  readonly rule: string;
  /** Distinct approvals needed, from the rule when filed. */
  readonly approvalsRequired: number;
  readonly status: RequestStatus;
  readonly createdAt: EpochMs;
  /** A pending request expires here. */
  readonly expiresAt: EpochMs;
  readonly decidedAt: EpochMs | null;
  /** Who denied or cancelled, or whose approval completed it. */
  readonly decidedBy: string | null;
  /** The denial reason or the completing approval's note. */
  readonly decisionNote: string | null;
  /** `extend`: the grant to extend; `grant`: the grant created on approval (null before). */
  readonly grantId: GrantId | null;
  readonly approvals: readonly Approval[];
}

export const grantModeOf = (mode: RequestedMode): GrantMode =>
  mode.kind === 'shell' ? 'shell' : 'commands';

export const allowlistOf = (mode: RequestedMode): readonly string[] =>
  mode.kind === 'shell' ? [] : mode.patterns;

/** `shell`, `allowlist`, or `profile NAME`: how lists and messages name a mode. */
export const describeMode = (mode: RequestedMode): string =>
  mode.kind === 'profile' ? `profile ${mode.name}` : mode.kind;

/** A list's MODE column: `extend` for more time on a grant, else the mode asked for. */
export const describeRequestMode = (request: Pick<AccessRequest, 'kind' | 'mode'>): string =>
  request.kind === 'extend' ? 'extend' : describeMode(request.mode);

/** The status as of `now`: a pending request past its deadline reads as expired. */
export const statusAt = (request: AccessRequest, now: EpochMs): RequestStatus =>
  request.status === 'pending' && now >= request.expiresAt ? 'expired' : request.status;
