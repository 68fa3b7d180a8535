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
}

export interface RequestPolicy {
  readonly rules: readonly RequestRule[];
  readonly groups: Readonly<Record<string, readonly string[]>>;
}

export type RuleChoice =
  | { readonly ok: true; readonly rule: RequestRule }
  | { readonly ok: false; readonly message: string };

export interface RequestShape {
  readonly user: string;
  readonly target: string;
  /** An extension's is its grant's. */
  readonly mode: RequestedMode;
  /** null: any duration (a decision caps the window at the rule's maximum instead). */
  readonly durationMs: number | null;
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
 * The first rule (in config order) for this user and target that offers the mode and allows the
 * duration, or the `preferred` one when it is among them. When rules match the user and target
 * but none allows the request, the reason comes from the first of them: the mode it does not
 * offer, or its maximum duration.
 */
export function chooseRule(policy: RequestPolicy, shape: RequestShape): RuleChoice {
  const candidates = policy.rules.filter(
    (rule) =>
      listsPrincipal(rule.users, shape.user, policy.groups) &&
      rule.targets.some((glob) => globMatches(glob, shape.target)),
  );
  const fitting = candidates.filter(
    (rule) =>
      offers(rule, shape.mode) &&
      (shape.durationMs === null || shape.durationMs <= rule.maxDurationMs),
  );
  const fits = fitting.find((rule) => rule.name === shape.preferred) ?? fitting[0];
  if (fits !== undefined) return { ok: true, rule: fits };
  const [first] = candidates;
  if (first === undefined) return { ok: false, message: noRuleMessage(shape.target) };
  if (!offers(first, shape.mode)) {
    return {
      ok: false,
      message:
        `request: mode ${q(modeName(shape.mode))} is not offered for ${shape.target} ` +
        `(rule ${first.name} offers ${first.modes.join(', ')})`,
    };
  }
  return {
    ok: false,
    message:
      `request: ${formatDuration(shape.durationMs ?? 0)} is longer than the maximum of ` +
      `${formatDuration(first.maxDurationMs)} for ${shape.target} (rule ${first.name})`,
  };
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
