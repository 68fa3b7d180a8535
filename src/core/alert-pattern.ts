/**
 * The patterns of config `alerts` rules (issue 15): a safe subset, not regular expressions, so
 * that no pattern can make matching slow. A pattern is literal text (case-sensitive) where
 *
 * - `*` matches any run of characters within the line (also none);
 * - `^` as the first character anchors the pattern to the start of the line, `$` as the last to
 *   its end;
 * - `\` makes the next character literal (`\*`, `\^`, `\$`, `\\`, `\(`…).
 *
 * Regular expression syntax (`( ) [ ] { } + ? |`, or `\` before a letter or digit) is refused
 * rather than read literally, so a rule written as a regular expression does not silently never
 * match. Matching finds each literal segment at its leftmost place after the previous one (a glob
 * of `*` alone needs no backtracking): at most (line length × pattern length) steps, whatever
 * the input.
 */

const ALERT_PATTERN_MAX = 200;

export interface AlertPattern {
  readonly source: string;
  readonly anchoredStart: boolean;
  readonly anchoredEnd: boolean;
  /** The literal text between `*`s, in order (first and last may be empty). */
  readonly segments: readonly string[];
}

export type AlertPatternResult =
  | { readonly ok: true; readonly pattern: AlertPattern }
  | { readonly ok: false; readonly problem: string };

const REGEX_SYNTAX = new Set(['(', ')', '[', ']', '{', '}', '+', '?', '|']);

const problem = (text: string): AlertPatternResult => ({ ok: false, problem: text });

export function compileAlertPattern(source: string): AlertPatternResult {
  if (source.length === 0) return problem('is empty');
  if (source.length > ALERT_PATTERN_MAX)
    return problem(`is longer than ${ALERT_PATTERN_MAX} characters`);
  if (/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(source))
    return problem('holds a control or invisible character');
  const anchoredStart = source.startsWith('^');
  const body = anchoredStart ? source.slice(1) : source;
  const segments: string[] = [];
  let current = '';
  let anchoredEnd = false;
  for (let i = 0; i < body.length; i++) {
    const ch = body.charAt(i);
    if (ch === '\\') {
      const next = body.charAt(i + 1);
      if (next === '') return problem('ends with a lone "\\"');
      if (/[A-Za-z0-9]/.test(next))
        return problem(`uses "\\${next}", regular expression syntax (not in the safe subset)`);
      current += next;
      i++;
    } else if (ch === '*') {
      segments.push(current);
      current = '';
    } else if (ch === '$' && i === body.length - 1) {
      anchoredEnd = true;
    } else if (ch === '^' || ch === '$') {
      return problem(
        `has "${ch}" inside: anchors go first ("^") or last ("$"); escape it as "\\${ch}"`,
      );
    } else if (REGEX_SYNTAX.has(ch)) {
      return problem(
        `uses "${ch}", regular expression syntax: the safe subset is literal text, "*", "^" and "$" (escape it as "\\${ch}")`,
      );
    } else {
      current += ch;
    }
  }
  segments.push(current);
  if (segments.every((s) => s === ''))
    return problem('has no literal text (it would match every line)');
  return { ok: true, pattern: { source, anchoredStart, anchoredEnd, segments } };
}

/** Whether `line` (one line, no line break) matches. */
export function matchesAlertPattern(pattern: AlertPattern, line: string): boolean {
  const { segments, anchoredStart, anchoredEnd } = pattern;
  const first = segments[0] ?? '';
  const last = segments.at(-1) ?? '';
  if (segments.length === 1) {
    if (anchoredStart && anchoredEnd) return line === first;
    if (anchoredStart) return line.startsWith(first);
    if (anchoredEnd) return line.endsWith(first);
    return line.includes(first);
  }
  let pos: number;
  if (anchoredStart) {
    if (!line.startsWith(first)) return false;
    pos = first.length;
  } else {
    const at = line.indexOf(first);
    if (at < 0) return false;
    pos = at + first.length;
  }
  for (let i = 1; i < segments.length - 1; i++) {
    const segment = segments[i] ?? '';
    const at = line.indexOf(segment, pos);
    if (at < 0) return false;
    pos = at + segment.length;
  }
  if (anchoredEnd) return line.length - last.length >= pos && line.endsWith(last);
  return line.indexOf(last, pos) >= 0;
}
