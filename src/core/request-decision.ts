/**
 * Deciding requests under the current rules (issue 14): filing (which rule, when it expires,
 * whether it is approved at once) and the judge a decision runs inside its transaction.
 */
import type { AccessRequest, RequestKind, RequestedMode } from './access-request.js';
import type { EpochMs } from './model.js';
import type { RequestJudge } from './ports.js';
import type { TransferRights } from './transfer-rights.js';
import { checkDecider, chooseRule, type RequestPolicy, type RequestRule } from './request-rules.js';

/** The name an auto-approving rule approves as. */
export const AUTO_APPROVER = 'gatehouse';

/**
 * Any duration: a rule whose maximum shrank since filing caps the window, it does not refuse.
 * An extension's mode is its grant's, so only a rule offering that mode (and its approvers)
 * decides it: more time on a shell grant is never a low-risk profile rule's to give.
 */
const shapeOf = (request: AccessRequest) => ({
  user: request.userName,
  target: request.targetName,
  mode: request.mode,
  durationMs: null,
  transfer: request.transfer,
  // With the duration ignored, an earlier rule (shorter maximum, other approvers) may match too.
  preferred: request.rule,
});

/**
 * The judge for one approver: the rule that allows the request now (the one it was filed under
 * while that still covers it; the rules may have changed since) must name the approver, who is
 * never the requester; earlier approvals count only when that rule still names their approvers.
 */
export function approverJudge(
  policy: RequestPolicy,
  approver: string,
  maxGrantMs: number,
): RequestJudge {
  return (request) => {
    // Whatever a rule says: an approval under this name would read as an automatic one.
    if (approver === AUTO_APPROVER)
      return { ok: false, message: `request: ${AUTO_APPROVER} approves only automatically` };
    const choice = chooseRule(policy, shapeOf(request));
    if (!choice.ok)
      return {
        ok: false,
        message: `request: the rules no longer allow request ${request.id} (${choice.message.replace(/^request: /, '')})`,
      };
    const decider = checkDecider(policy, choice.rule, approver, request.userName);
    if (!decider.ok) return decider;
    return {
      ok: true,
      approvalsRequired: choice.rule.approvals,
      ruleMaxMs: choice.rule.maxDurationMs,
      maxDurationMs: maxGrantMs,
      // An approver dropped from the rule since approving no longer counts toward the N.
      counts: (earlier) => checkDecider(policy, choice.rule, earlier, request.userName).ok,
    };
  };
}

/** An auto-approving rule's one approval, made as the request is filed under `rule`. */
export const autoJudge =
  (rule: RequestRule, maxGrantMs: number): RequestJudge =>
  () => ({
    ok: true,
    approvalsRequired: 1,
    ruleMaxMs: rule.maxDurationMs,
    maxDurationMs: maxGrantMs,
  });

export interface FilingShape {
  readonly kind: RequestKind;
  readonly user: string;
  readonly target: string;
  readonly mode: RequestedMode;
  readonly durationMs: number;
  /** The file transfer asked for (an extension's: its grant's); absent: none. */
  readonly transfer?: TransferRights;
}

export type Filing =
  | {
      readonly ok: true;
      readonly rule: RequestRule;
      /** The transfer asked, resolved against the rule: what the grant will carry. */
      readonly transfer: TransferRights;
      readonly expiresAt: EpochMs;
      /** The rule approves at once (the caller still checks the target has no checklist). */
      readonly autoApprove: boolean;
    }
  | { readonly ok: false; readonly message: string };

export function planFiling(policy: RequestPolicy, shape: FilingShape, now: EpochMs): Filing {
  const choice = chooseRule(policy, {
    user: shape.user,
    target: shape.target,
    mode: shape.mode,
    durationMs: shape.durationMs,
    ...(shape.transfer === undefined ? {} : { transfer: shape.transfer }),
    // A new grant's request takes the rule's path limits and budget when it names none.
    transferFromRule: shape.kind === 'grant',
  });
  if (!choice.ok) return choice;
  return {
    ok: true,
    rule: choice.rule,
    transfer: choice.transfer,
    expiresAt: now + choice.rule.pendingTtlMs,
    autoApprove: choice.rule.autoApprove,
  };
}
