/**
 * Who may request what, and who approves (config `requests`, issue 14). Pure: the config is
 * passed in at each decision, so a SIGHUP reload applies to the next one.
 *
 * A principal list holds user (or approver) names and `@group` references to config `groups`.
 * Target globs use `*` (any run of characters) and `?` (one character).
 */
import type { RequestedMode } from './access-request.js';
import { formatDuration } from './duration.js';
import { quoteForMessage as q } from './names.js';
import {
  NO_TRANSFER_LIMIT,
  resolveTransfer,
  type TransferLimit,
  type TransferResolution,
} from './request-transfer.js';
import { NO_TRANSFER, type TransferRights } from './transfer-rights.js';

export interface RequestRule {
  readonly name: string;
  readonly users: readonly string[];
  readonly targets: readonly string[];
  readonly maxDurationMs: number;
  /** `shell`, `allowlist` (patterns given with the request) and profile names. */
  readonly modes: readonly string[];
  /** Distinct approvals needed. */
  readonly approvals: number;
  readonly approvers: readonly string[];
  /** Approved by gatehouse at once (low-risk rules), unless the target has a checklist. */
  readonly autoApprove: boolean;
  readonly pendingTtlMs: number;
  /** The most file transfer a request under this rule may carry; absent: none. */
  readonly transfer?: TransferLimit;
}

export interface RequestPolicy {
  readonly rules: readonly RequestRule[];
  readonly groups: Readonly<Record<string, readonly string[]>>;
}

export type RuleChoice =
  | {
      readonly ok: true;
      readonly rule: RequestRule;
      /** The transfer rights asked for, resolved against the rule (core/request-transfer.ts). */
      readonly transfer: TransferRights;
    }
  | { readonly ok: false; readonly message: string };

export interface RequestShape {
  readonly user: string;
  readonly target: string;
  /** An extension's is its grant's. */
  readonly mode: RequestedMode;
  /** null: any duration (a decision caps the window at the rule's maximum instead). */
  readonly durationMs: number | null;
  /** The file transfer asked for (an extension's is its grant's); absent: none. */
  readonly transfer?: TransferRights;
  /**
   * A request being filed: path limits or a budget not asked for take the rule's. Otherwise (a
   * decision, an extension) the rights are as granted and must fit the rule as they are.
   */
  readonly transferFromRule?: boolean;
  /** The rule to choose when it fits (a decision: the rule the request was filed under). */
  readonly preferred?: string;
}

/** Whether `name` is in a principal list (names and `@group`s). */
export function listsPrincipal(
  list: readonly string[],
  name: string,
  groups: RequestPolicy['groups'],
): boolean {
  return list.some((entry) =>
    entry.startsWith('@') ? (groups[entry.slice(1)] ?? []).includes(name) : entry === name,
  );
}

/** The names a principal list stands for, groups expanded (for config checks and messages). */
export function principalsOf(list: readonly string[], groups: RequestPolicy['groups']): string[] {
  const names = list.flatMap((entry) =>
    entry.startsWith('@') ? [...(groups[entry.slice(1)] ?? [])] : [entry],
  );
  return [...new Set(names)];
}

/** `*` and `?` over a canonical name; anything else is literal. */
export function globMatches(glob: string, name: string): boolean {
  const memo = new Map<string, boolean>();
  const at = (g: number, n: number): boolean => {
    const key = `${g},${n}`;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let result: boolean;
    if (g === glob.length) result = n === name.length;
    else if (glob[g] === '*') result = at(g + 1, n) || (n < name.length && at(g, n + 1));
    else result = n < name.length && (glob[g] === '?' || glob[g] === name[n]) && at(g + 1, n + 1);
    memo.set(key, result);
    return result;
  };
  return at(0, 0);
}

const modeName = (mode: RequestedMode): string => (mode.kind === 'profile' ? mode.name : mode.kind);

const offers = (rule: RequestRule, mode: RequestedMode): boolean =>
  rule.modes.includes(modeName(mode));

/** The message for a target the user has no rule for: the same whether the target exists. */
export const noRuleMessage = (target: string): string =>
  `request: no request rule lets you ask for ${q(target)}`;

/**
 * The first rule (in config order) for this user and target that offers the mode, allows the
 * duration and the file transfer asked, or the `preferred` one when it is among them; else why
 * none does (whyNoRuleFits).
 */
export function chooseRule(policy: RequestPolicy, shape: RequestShape): RuleChoice {
  const candidates = policy.rules.filter(
    (rule) =>
      listsPrincipal(rule.users, shape.user, policy.groups) &&
      rule.targets.some((glob) => globMatches(glob, shape.target)),
  );
  const transferUnder = (rule: RequestRule) =>
    resolveTransfer(rule.transfer ?? NO_TRANSFER_LIMIT, shape.transfer ?? NO_TRANSFER, {
      rule: rule.name,
      target: shape.target,
      fillFromRule: shape.transferFromRule === true,
    });
  const longerThan = (rule: RequestRule): boolean =>
    shape.durationMs !== null && shape.durationMs > rule.maxDurationMs;
  const fitting = candidates.flatMap((rule) => {
    if (!offers(rule, shape.mode) || longerThan(rule)) return [];
    const transfer = transferUnder(rule);
    return transfer.ok ? [{ ok: true as const, rule, transfer: transfer.rights }] : [];
  });
  const fits = fitting.find((fit) => fit.rule.name === shape.preferred) ?? fitting[0];
  if (fits !== undefined) return fits;
  return { ok: false, message: whyNoRuleFits(candidates, shape, transferUnder, longerThan) };
}

/**
 * Why none of the rules for the user and target fits, from the rule that comes closest: the
 * first offering the mode and allowing the transfer says its maximum duration; else the first
 * offering the mode (one offering any transfer first) says what transfer it allows; else the
 * first rule says which modes it offers.
 */
function whyNoRuleFits(
  candidates: readonly RequestRule[],
  shape: RequestShape,
  transferUnder: (rule: RequestRule) => TransferResolution,
  longerThan: (rule: RequestRule) => boolean,
): string {
  const [first] = candidates;
  if (first === undefined) return noRuleMessage(shape.target);
  const withMode = candidates.filter((rule) => offers(rule, shape.mode));
  const tooShort = withMode.find((rule) => transferUnder(rule).ok && longerThan(rule));
  if (tooShort !== undefined)
    return (
      `request: ${formatDuration(shape.durationMs ?? 0)} is longer than the maximum of ` +
      `${formatDuration(tooShort.maxDurationMs)} for ${shape.target} (rule ${tooShort.name})`
    );
  const explaining =
    withMode.find((rule) => (rule.transfer ?? NO_TRANSFER_LIMIT).direction !== 'none') ??
    withMode[0];
  const transfer = explaining === undefined ? undefined : transferUnder(explaining);
  if (transfer !== undefined && !transfer.ok) return transfer.message;
  return (
    `request: mode ${q(modeName(shape.mode))} is not offered for ${shape.target} ` +
    `(rule ${first.name} offers ${first.modes.join(', ')})`
  );
}

export type DeciderCheck = { readonly ok: true } | { readonly ok: false; readonly message: string };

/**
 * May `approver` approve or deny a request of `requester` under `rule`? Never their own request;
 * only approvers the rule names.
 */
export function checkDecider(
  policy: RequestPolicy,
  rule: RequestRule,
  approver: string,
  requester: string,
): DeciderCheck {
  if (approver === requester) {
    return { ok: false, message: `request: ${approver} cannot decide their own request` };
  }
  if (!listsPrincipal(rule.approvers, approver, policy.groups)) {
    return {
      ok: false,
      message: `request: ${approver} is not an approver for rule ${rule.name}`,
    };
  }
  return { ok: true };
}
