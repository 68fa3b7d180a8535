/**
 * The allowlist pattern language (DESIGN.md §5): words separated by single spaces, each word
 * either entirely a literal or entirely one typed placeholder. Parsed and validated when a grant
 * is made, so a bad pattern is a one-line CLI error and matching never meets one.
 */
import { quoteForMessage } from './names.js';

/** Longest command line or pattern, in UTF-8 bytes. */
export const MAX_COMMAND_BYTES = 1024;

/** Printable ASCII minus every character a shell gives meaning to (and the backslash). */
const UNSAFE_PRINTABLE = ';&|$`<>(){}*?!~\'"\\';

/** The printable safe set: the only characters a command (and a literal word) may hold. */
export function isSafeChar(ch: string): boolean {
  if (ch.length !== 1) return false;
  const c = ch.charCodeAt(0);
  return c >= 0x20 && c <= 0x7e && !UNSAFE_PRINTABLE.includes(ch);
}

/** Characters allowed in an argument word: the safe set minus the space. */
export function isArgChar(ch: string): boolean {
  return ch !== ' ' && isSafeChar(ch);
}

/** Length of `text` encoded as UTF-8 (lone surrogates count as U+FFFD, 3 bytes). */
export function utf8Length(text: string): number {
  let n = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    n += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return n;
}

export type PatternWord =
  | { readonly kind: 'literal'; readonly value: string }
  | { readonly kind: 'int' }
  | { readonly kind: 'word' }
  | { readonly kind: 'path'; readonly glob: string; readonly segments: readonly string[] }
  | { readonly kind: 'enum'; readonly values: readonly string[] };

export interface CommandPattern {
  readonly source: string;
  readonly words: readonly PatternWord[];
}

export type PatternParse =
  | { readonly ok: true; readonly pattern: CommandPattern }
  | { readonly ok: false; readonly message: string };

export type PatternsCheck =
  { readonly ok: true } | { readonly ok: false; readonly message: string };

const PLACEHOLDER_HELP = '(use {int}, {word}, {path:GLOB}, {enum:a|b})';
const ARG_CHARS_HELP = 'A-Z a-z 0-9 # % + , - . / : = @ [ ] ^ _';

type WordParse =
  | { readonly ok: true; readonly word: PatternWord }
  | { readonly ok: false; readonly problem: string };

const fail = (problem: string): WordParse => ({ ok: false, problem });
const show = (text: string): string => quoteForMessage(text);
/** `{num}` as typed when it is short and plain, quoted and escaped otherwise. */
const showPlaceholder = (text: string): string =>
  /^\{[\x21-\x7e]{1,40}\}$/.test(text) && !/["\\]/.test(text) ? text : show(text);

function firstUnsafe(text: string, allowed: (ch: string) => boolean): string | undefined {
  return Array.from(text).find((ch) => !allowed(ch));
}

/** Why `text` is not a literal argument word, or null when it is one. */
function literalProblem(text: string, what: string): string | null {
  const bad = firstUnsafe(text, isArgChar);
  if (bad === undefined) return null;
  return `unsafe character ${show(bad)} in ${what} ${show(text)} (allowed: ${ARG_CHARS_HELP})`;
}

/** Segments of an absolute glob or path, or a problem. `*` is allowed only in globs. */
function splitAbsolute(
  text: string,
  isGlob: boolean,
): { ok: true; segments: string[] } | { ok: false; problem: string } {
  if (!text.startsWith('/')) return { ok: false, problem: 'must be absolute (start with /)' };
  const segments = text.slice(1).split('/');
  for (const seg of segments) {
    if (seg === '') return { ok: false, problem: 'empty segment (// or trailing /)' };
    if (seg === '.' || seg === '..') return { ok: false, problem: `"${seg}" segment` };
    const bad = firstUnsafe(seg, (ch) => (isGlob && ch === '*') || (ch !== '/' && isArgChar(ch)));
    if (bad !== undefined) return { ok: false, problem: `unsafe character ${show(bad)}` };
    if (isGlob && seg.includes('**'))
      return { ok: false, problem: '"**" is not supported (* matches within one segment)' };
  }
  return { ok: true, segments };
}

function parsePlaceholder(text: string, isFirst: boolean): WordParse {
  const inner = text.slice(1, -1);
  const colon = inner.indexOf(':');
  const name = colon === -1 ? inner : inner.slice(0, colon);
  const arg = colon === -1 ? null : inner.slice(colon + 1);
  switch (name) {
    case 'int':
    case 'word':
      if (arg !== null) return fail(`{${name}} takes no argument: ${show(text)}`);
      if (isFirst)
        return fail(
          `the command name cannot be {${name}}; use a literal, {enum:...} or {path:GLOB}`,
        );
      return { ok: true, word: { kind: name } };
    case 'path': {
      if (arg === null || arg === '')
        return fail(`{path} needs a glob, e.g. {path:/var/log/*.log}`);
      const split = splitAbsolute(arg, true);
      if (!split.ok) return fail(`bad glob ${show(arg)}: ${split.problem}`);
      return { ok: true, word: { kind: 'path', glob: arg, segments: split.segments } };
    }
    case 'enum': {
      if (arg === null || arg === '')
        return fail(`{enum} needs alternatives, e.g. {enum:start|stop}`);
      const values = arg.split('|');
      for (const value of values) {
        if (value === '') return fail(`empty alternative in ${show(text)}`);
        const problem = literalProblem(value, 'alternative');
        if (problem !== null) return fail(problem);
      }
      const dup = values.find((v, i) => values.indexOf(v) !== i);
      if (dup !== undefined) return fail(`duplicate alternative ${show(dup)} in ${show(text)}`);
      return { ok: true, word: { kind: 'enum', values } };
    }
    default:
      return fail(`unknown placeholder ${showPlaceholder(text)} ${PLACEHOLDER_HELP}`);
  }
}

function parseWord(text: string, isFirst: boolean): WordParse {
  if (text.startsWith('{') && text.endsWith('}') && text.indexOf('}') === text.length - 1) {
    return parsePlaceholder(text, isFirst);
  }
  if (text.includes('{') || text.includes('}')) {
    return fail(`a placeholder must be a whole word: ${show(text)}`);
  }
  const problem = literalProblem(text, 'word');
  return problem === null ? { ok: true, word: { kind: 'literal', value: text } } : fail(problem);
}

/** Parses and validates one allowlist pattern; the message names the pattern and the problem. */
export function parsePattern(text: string): PatternParse {
  const bad = (problem: string): PatternParse => ({
    ok: false,
    message: `allow pattern ${show(text)}: ${problem}`,
  });
  if (text === '') return bad('empty');
  const bytes = utf8Length(text);
  if (bytes > MAX_COMMAND_BYTES) return bad(`${bytes} bytes, longer than ${MAX_COMMAND_BYTES}`);
  if (text.startsWith(' ') || text.endsWith(' ')) return bad('leading or trailing space');
  if (text.includes('  ')) return bad('words must be separated by single spaces');
  const words: PatternWord[] = [];
  for (const [i, part] of text.split(' ').entries()) {
    const parsed = parseWord(part, i === 0);
    if (!parsed.ok) return bad(parsed.problem);
    words.push(parsed.word);
  }
  return { ok: true, pattern: { source: text, words } };
}

/** The first invalid pattern's message, or ok. An empty list is valid here (see grant-rules). */
export function validatePatterns(patterns: readonly string[]): PatternsCheck {
  for (const text of patterns) {
    const parsed = parsePattern(text);
    if (!parsed.ok) return parsed;
  }
  return { ok: true };
}
