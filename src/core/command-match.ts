/**
 * Matching a user's exec string against a grant's allowlist (DESIGN.md §5). No shell semantics:
 * the string is refused outright unless every character is in the printable safe set, then split
 * on single spaces and compared word by word. The result is the canonical argv.
 */
import { isSafeChar, MAX_COMMAND_BYTES, parsePattern, utf8Length } from './command-pattern.js';
import type { CommandPattern, PatternWord } from './command-pattern.js';
import { quoteForMessage } from './names.js';

export type CommandDenialReason =
  'empty' | 'too_long' | 'unsafe_character' | 'whitespace' | 'no_match';

export type CommandMatch =
  | { readonly ok: true; readonly argv: string[]; readonly pattern: string }
  | { readonly ok: false; readonly reason: CommandDenialReason; readonly detail: string };

const INT = /^(?:0|[1-9][0-9]{0,8})$/;
const WORD = /^[A-Za-z0-9._][A-Za-z0-9._-]*$/;

/** `*` matches any run (possibly empty) of characters within the segment; nothing else is special. */
function segmentMatches(glob: string, seg: string): boolean {
  // Like sh: a leading dot (hidden file) must be matched by a literal dot, never by `*`.
  if (seg.startsWith('.') && !glob.startsWith('.')) return false;
  let g = 0;
  let s = 0;
  let star = -1;
  let mark = 0;
  while (s < seg.length) {
    if (g < glob.length && glob[g] === '*') {
      star = g++;
      mark = s;
    } else if (g < glob.length && glob[g] === seg[s]) {
      g++;
      s++;
    } else if (star !== -1) {
      g = star + 1;
      s = ++mark;
    } else {
      return false;
    }
  }
  while (glob[g] === '*') g++;
  return g === glob.length;
}

/** An argument is a path only when absolute and normalised: no `//`, `.`, `..` or trailing `/`. */
function pathMatches(globSegments: readonly string[], arg: string): boolean {
  if (!arg.startsWith('/')) return false;
  const segments = arg.slice(1).split('/');
  if (segments.length !== globSegments.length) return false;
  return segments.every(
    (seg, i) =>
      seg !== '' && seg !== '.' && seg !== '..' && segmentMatches(globSegments[i] ?? '', seg),
  );
}

/** Whether one argument (already known to hold only safe, non-space characters) fits one word. */
export function matchWord(word: PatternWord, arg: string): boolean {
  switch (word.kind) {
    case 'literal':
      return arg === word.value;
    case 'int':
      return INT.test(arg);
    case 'word':
      return WORD.test(arg);
    case 'path':
      return pathMatches(word.segments, arg);
    case 'enum':
      return word.values.includes(arg);
  }
}

export function matchArgv(pattern: CommandPattern, argv: readonly string[]): boolean {
  return (
    argv.length === pattern.words.length &&
    pattern.words.every((w, i) => matchWord(w, argv[i] ?? ''))
  );
}

function compile(patterns: readonly string[]): CommandPattern[] {
  return patterns.map((text) => {
    const parsed = parsePattern(text);
    // Patterns are validated when the grant is made; an invalid one here is a fault, not a "no".
    if (!parsed.ok) throw new Error(`invalid stored ${parsed.message}`);
    return parsed.pattern;
  });
}

const deny = (reason: CommandDenialReason, detail: string): CommandMatch => ({
  ok: false,
  reason,
  detail,
});

/**
 * Checks `command` (an exec request's string) against `patterns`. Refused outright when empty,
 * longer than 1024 UTF-8 bytes, or holding any character outside the safe set; then split on
 * single spaces (leading, trailing or double spaces refused) and matched word by word.
 * `detail` is one printable line, safe to show and log. Throws if a pattern is invalid.
 */
export function matchCommand(command: string, patterns: readonly string[]): CommandMatch {
  const compiled = compile(patterns);
  const shown = quoteForMessage(command);
  if (command === '') return deny('empty', 'empty command');
  const bytes = utf8Length(command);
  if (bytes > MAX_COMMAND_BYTES)
    return deny('too_long', `command of ${bytes} bytes (limit ${MAX_COMMAND_BYTES})`);
  let position = 0;
  for (const ch of command) {
    if (!isSafeChar(ch)) {
      return deny(
        'unsafe_character',
        `unsafe character ${quoteForMessage(ch)} at position ${position} in ${shown}`,
      );
    }
    position++;
  }
  if (command.startsWith(' ') || command.endsWith(' ') || command.includes('  ')) {
    return deny('whitespace', `leading, trailing or double space in ${shown}`);
  }
  const argv = command.split(' ');
  const hit = compiled.find((p) => matchArgv(p, argv));
  if (hit === undefined) return deny('no_match', `${shown} matches no allowed pattern`);
  return { ok: true, argv, pattern: hit.source };
}
