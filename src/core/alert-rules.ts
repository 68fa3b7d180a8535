/**
 * Config `alerts` (issue 15): rules that flag, notify about or end a session when a command,
 * a line of output or a line of typed input matches their pattern (core/alert-pattern.ts).
 */
import { boundUntrusted } from './untrusted-text.js';
import { compileAlertPattern, matchesAlertPattern, type AlertPattern } from './alert-pattern.js';

/** `command`: an exec or a restricted-prompt line, before it runs; `output`/`input`: a recorded line. */
export type AlertSource = 'command' | 'output' | 'input';
/** `flag`: an audit event and a marker; `notify`: also a notification; `end`: also ends the session. */
export type AlertAction = 'flag' | 'notify' | 'end';

export interface AlertRuleSpec {
  readonly name: string;
  readonly match: string;
  readonly on: AlertSource;
  readonly action: AlertAction;
}

export interface AlertRule extends AlertRuleSpec {
  readonly pattern: AlertPattern;
}

export type AlertRulesResult =
  | { readonly ok: true; readonly rules: readonly AlertRule[] }
  | { readonly ok: false; readonly message: string };

/** All rules compiled, or the first problem as one line naming its rule. */
export function compileAlertRules(specs: readonly AlertRuleSpec[]): AlertRulesResult {
  const rules: AlertRule[] = [];
  const names = new Set<string>();
  for (const spec of specs) {
    if (names.has(spec.name))
      return { ok: false, message: `alert rule "${spec.name}" is defined twice` };
    names.add(spec.name);
    const compiled = compileAlertPattern(spec.match);
    if (!compiled.ok)
      return {
        ok: false,
        message: `alert rule "${spec.name}": match ${JSON.stringify(spec.match)} ${compiled.problem}`,
      };
    rules.push({ ...spec, pattern: compiled.pattern });
  }
  return { ok: true, rules };
}

/** The rules for `on` whose pattern matches `line`, in config order. */
export const matchingAlertRules = (
  rules: readonly AlertRule[],
  on: AlertSource,
  line: string,
): AlertRule[] => rules.filter((r) => r.on === on && matchesAlertPattern(r.pattern, line));

/** The longest excerpt kept in `session.flagged`, its `…(+N chars)` mark included. */
const ALERT_EXCERPT_MAX = 200;

/**
 * The line as kept in the audit trail: escaped (what a session printed is not gatehouse's words)
 * and at most ALERT_EXCERPT_MAX characters, the cut mark included (it is at most 16 characters
 * for the lines the scanner passes on).
 */
export const alertExcerpt = (line: string): string => boundUntrusted(line, ALERT_EXCERPT_MAX - 16);
