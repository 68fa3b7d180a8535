/**
 * The checklist on the command line: `--require ITEM` (target add/set), `--no-require` (target
 * set), `--confirm 'ITEM=note or link'` (grant add), and how targets and grants show it.
 */
import type { Command } from 'commander';
import { checkChecklist, parseConfirmation, type Confirmation } from '../core/checklist.js';
import { quoteForMessage } from '../core/names.js';
import { usage } from './validate.js';

const BOTH = '--require, --no-require: give items or clear them, not both';

/**
 * Adds `--require <item>` (and with `clearable` `--no-require`) to `cmd`; the returned reader
 * gives, in the action, the checklist to set: the items, [] to clear, undefined when not given.
 */
export function checklistOption(
  cmd: Command,
  clearable: boolean,
): (opts: { readonly require?: string[] | false }) => string[] | undefined {
  let listed = false;
  cmd.option(
    '--require <item>',
    "a checklist item every grant to it must confirm, e.g. 'backup verified' (repeat for more)",
    (value: string, previous: unknown) => {
      listed = true;
      if (!Array.isArray(previous)) throw usage(BOTH);
      return [...(previous as string[]), value];
    },
    [],
  );
  if (clearable) cmd.option('--no-require', 'clear the checklist: grants confirm nothing');
  return (opts) => {
    if (opts.require === false) {
      if (listed) throw usage(BOTH);
      return [];
    }
    if (!listed) return undefined;
    const items = opts.require ?? [];
    const valid = checkChecklist(items);
    if (!valid.ok) throw usage(`--require: ${valid.message}`);
    return items;
  };
}

/** `--confirm` values, each `ITEM=note or link`, as confirmations by `actor`; an item once. */
export function requireConfirmations(values: readonly string[], actor: string): Confirmation[] {
  const out: Confirmation[] = [];
  for (const value of values) {
    const parsed = parseConfirmation(value);
    if (!parsed.ok) throw usage(`--confirm: ${parsed.message}`);
    if (out.some((c) => c.item === parsed.item))
      throw usage(`--confirm: ${quoteForMessage(parsed.item)} given twice`);
    out.push({ item: parsed.item, note: parsed.note, by: actor });
  }
  return out;
}

/** A target's checklist in one cell: the items in double quotes, `-` for none. */
export const requiresText = (requires: readonly string[]): string =>
  requires.length === 0 ? '-' : requires.map((i) => `"${i}"`).join(', ');

/** `show` rows: one per confirmation, `item: note (by)`; one `-` row when there are none. */
export const confirmationRows = (
  confirmations: readonly Confirmation[],
): (readonly [string, string])[] =>
  confirmations.length === 0
    ? [['confirmed', '-']]
    : confirmations.map((c) => ['confirmed', `${c.item}: ${c.note} (${c.by})`] as const);
