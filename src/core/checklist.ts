/**
 * The pre-access checklist (issue 14): a target may require items (`backup verified`, `rollback
 * plan`) that whoever makes a grant to it must confirm, each with a note or a link. The target
 * keeps the item names; the grant keeps each confirmation with who gave it.
 */
import { quoteForMessage } from './names.js';
import { UNPRINTABLE } from './untrusted-text.js';

/** One required item confirmed: its name, the note or link given, and who gave it (an actor). */
export type Confirmation = {
  readonly item: string;
  readonly note: string;
  readonly by: string;
};

export const MAX_CHECKLIST_ITEMS = 16;
export const MAX_ITEM_CHARS = 64;
export const MAX_NOTE_CHARS = 500;

export type ChecklistCheck =
  { readonly ok: true } | { readonly ok: false; readonly message: string };

const fail = (message: string): ChecklistCheck => ({ ok: false, message });
const OK: ChecklistCheck = { ok: true };

function checkPrintable(what: string, value: string, max: number): ChecklistCheck {
  if (value.trim() === '') return fail(`${what} must not be empty`);
  if (UNPRINTABLE.test(value))
    return fail(`${what} ${quoteForMessage(value)} contains unprintable characters`);
  if (value !== value.trim())
    return fail(`${what} ${quoteForMessage(value)} starts or ends with a space`);
  if (Array.from(value).length > max) return fail(`${what} is longer than ${max} characters`);
  return OK;
}

/** An item name: printable, at most 64 characters, no `=` (it separates item and note). */
export function checkItemName(name: string): ChecklistCheck {
  const printable = checkPrintable('checklist item', name, MAX_ITEM_CHARS);
  if (!printable.ok) return printable;
  if (name.includes('=')) return fail(`checklist item ${quoteForMessage(name)} contains "="`);
  return OK;
}

/** A target's whole checklist: valid names, no repeats, at most 16. */
export function checkChecklist(items: readonly string[]): ChecklistCheck {
  if (items.length > MAX_CHECKLIST_ITEMS)
    return fail(`checklist: at most ${MAX_CHECKLIST_ITEMS} items, not ${items.length}`);
  const seen = new Set<string>();
  for (const item of items) {
    const valid = checkItemName(item);
    if (!valid.ok) return valid;
    if (seen.has(item)) return fail(`checklist item ${quoteForMessage(item)} given twice`);
    seen.add(item);
  }
  return OK;
}

export type ParsedConfirmation =
  | { readonly ok: true; readonly item: string; readonly note: string }
  | { readonly ok: false; readonly message: string };

/** `ITEM=note or link` (as `--confirm` takes it): split at the first `=`, both parts checked. */
export function parseConfirmation(text: string): ParsedConfirmation {
  const at = text.indexOf('=');
  if (at < 0) return { ok: false, message: `${quoteForMessage(text)} is not ITEM=note (no "=")` };
  const item = text.slice(0, at).trim();
  const note = text.slice(at + 1).trim();
  const validItem = checkItemName(item);
  if (!validItem.ok) return validItem;
  const validNote = checkNote(item, note);
  if (!validNote.ok) return validNote;
  return { ok: true, item, note };
}

function checkNote(item: string, note: string): ChecklistCheck {
  const valid = checkPrintable(`the note for ${quoteForMessage(item)}`, note, MAX_NOTE_CHARS);
  return valid.ok ? OK : fail(valid.message.replace(' must not be empty', ' is empty'));
}

const quoted = (items: readonly string[]): string =>
  items.map((i) => quoteForMessage(i)).join(', ');

/**
 * Whether `confirmations` confirm exactly the target's `required` items: each required item at
 * least once (two approvers may both confirm one), each with a printable note, none unknown, no
 * confirmer confirming one item twice. Missing items are named in the target's order.
 */
export function checkConfirmations(
  target: string,
  required: readonly string[],
  confirmations: readonly Confirmation[],
): ChecklistCheck {
  const unknown = [
    ...new Set(confirmations.map((c) => c.item).filter((i) => !required.includes(i))),
  ];
  if (unknown.length > 0) {
    const known = required.length === 0 ? 'it requires none' : `it requires ${quoted(required)}`;
    return fail(`checklist: ${target} has no item ${quoted(unknown)} (${known})`);
  }
  const pairs = new Set<string>();
  for (const c of confirmations) {
    const note = checkNote(c.item, c.note);
    if (!note.ok) return fail(`checklist: ${note.message}`);
    const pair = JSON.stringify([c.item, c.by]);
    if (pairs.has(pair))
      return fail(`checklist: ${quoteForMessage(c.item)} confirmed twice by ${c.by}`);
    pairs.add(pair);
  }
  const missing = required.filter((r) => !confirmations.some((c) => c.item === r));
  if (missing.length > 0)
    return fail(`checklist: ${target} requires confirming ${quoted(missing)} before access`);
  return OK;
}

/**
 * The confirmations of a request's approvals, in approval order: each approval's `item → note`
 * map (request_approvals.confirmations) as confirmations by its actor (`reviewer:bob`, `os:…`).
 */
export function confirmationsOfApprovals(
  approvals: readonly {
    readonly actor: string;
    readonly confirmations: Readonly<Record<string, string>>;
  }[],
): Confirmation[] {
  return approvals.flatMap((a) =>
    Object.entries(a.confirmations).map(([item, note]) => ({ item, note, by: a.actor })),
  );
}
