/**
 * Tab completion for the restricted prompt: the words typed so far must fit a pattern word by
 * word; the word being typed is completed from the literal words (and enum alternatives) that
 * the fitting patterns allow next. Placeholders are never guessed; they are shown as hints.
 */
import { matchWord, type CommandPattern } from '../core/command-policy.js';

export interface Completion {
  /** Text to insert at the cursor (may be empty). */
  readonly insert: string;
  /** Patterns to show when nothing could be inserted (empty: nothing fits). */
  readonly hints: readonly string[];
}

function commonPrefix(words: readonly string[]): string {
  const [first = '', ...others] = words;
  let n = first.length;
  for (const w of others) {
    let i = 0;
    while (i < n && i < w.length && w[i] === first[i]) i++;
    n = i;
  }
  return first.slice(0, n);
}

/**
 * Completes `before` (the line up to the cursor) against `patterns`, through every following
 * literal word while the choice stays unique (`sys` → `systemctl status `).
 */
export function completeCommand(patterns: readonly CommandPattern[], before: string): Completion {
  const first = completeWord(patterns, before);
  let insert = first.insert;
  for (let i = 0; i < 32 && insert.endsWith(' '); i++) {
    const next = completeWord(patterns, before + insert);
    if (next.insert === '') break;
    insert += next.insert;
  }
  return insert === '' ? first : { insert, hints: [] };
}

function completeWord(patterns: readonly CommandPattern[], before: string): Completion {
  const words = before.split(' ');
  const partial = words.pop() ?? '';
  const hints: string[] = [];
  let placeholderNext = false;
  /** Next literal word → whether patterns continue after it, and whether one ends with it. */
  const options = new Map<string, { more: boolean; end: boolean }>();
  for (const p of patterns) {
    if (p.words.length <= words.length) continue;
    const fits = words.every((w, i) => {
      const pw = p.words[i];
      return pw !== undefined && matchWord(pw, w);
    });
    const next = p.words[words.length];
    if (!fits || next === undefined) continue;
    const literals =
      next.kind === 'literal' ? [next.value] : next.kind === 'enum' ? next.values : null;
    if (literals === null) {
      placeholderNext = true;
      hints.push(p.source);
      continue;
    }
    const fitting = literals.filter((v) => v.startsWith(partial));
    if (fitting.length === 0) continue;
    hints.push(p.source);
    const more = p.words.length > words.length + 1;
    for (const v of fitting) {
      const seen = options.get(v) ?? { more: false, end: false };
      options.set(v, { more: seen.more || more, end: seen.end || !more });
    }
  }
  const candidates = [...options.keys()];
  const [only] = candidates;
  if (only !== undefined && candidates.length === 1 && !placeholderNext) {
    const o = options.get(only);
    const insert = only.slice(partial.length) + (o?.more === true && !o.end ? ' ' : '');
    if (insert !== '') return { insert, hints: [] };
    return { insert: '', hints };
  }
  const prefix = commonPrefix(candidates);
  if (prefix.length > partial.length) return { insert: prefix.slice(partial.length), hints: [] };
  return { insert: '', hints };
}
