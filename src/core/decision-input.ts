/**
 * An approver's decision as typed into a form (the review page's approve and deny forms): checked
 * before anything is asked of the store. Notes and reasons are one printable line, bounded; a
 * shorter window is a duration; checklist confirmations are taken only for the target's own items
 * (the store checks that each is confirmed, and that the window is not longer than requested).
 */
import { MAX_NOTE_CHARS } from './checklist.js';
import { parseDuration } from './duration.js';
import { quoteForMessage } from './names.js';
import type { ApprovalInput } from './ports.js';
import { UNPRINTABLE } from './untrusted-text.js';

/** As long as a checklist confirmation's note may be. */
export const DECISION_TEXT_MAX = MAX_NOTE_CHARS;

export type Checked<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

const fail = (message: string): { ok: false; message: string } => ({ ok: false, message });

/** One printable line of at most DECISION_TEXT_MAX characters, trimmed; empty allowed unless required. */
export function checkDecisionText(field: string, text: string, required: boolean): Checked<string> {
  const value = text.trim();
  if (value === '') return required ? fail(`${field}: must not be empty`) : { ok: true, value };
  if (UNPRINTABLE.test(value))
    return fail(`${field}: contains unprintable characters (control, bidi or zero-width)`);
  const length = Array.from(value).length;
  if (length > DECISION_TEXT_MAX)
    return fail(`${field}: ${length} characters, at most ${DECISION_TEXT_MAX}`);
  return { ok: true, value };
}

export interface ApprovalForm {
  readonly note: string;
  /** A shorter window (`45m`), or empty for the one requested. */
  readonly for: string;
  /** Checklist item → note or link, as posted (`confirm[<item>]`). */
  readonly confirmations: Readonly<Record<string, string>>;
}

export function checkApproval(
  form: ApprovalForm,
  approver: string,
  checklist: readonly string[],
): Checked<ApprovalInput> {
  const note = checkDecisionText('note', form.note, false);
  if (!note.ok) return note;
  let durationMs: number | null = null;
  if (form.for.trim() !== '') {
    // Longer than requested is the store's refusal (it judges every approval alike).
    const parsed = parseDuration(form.for.trim());
    if (!parsed.ok) return fail(`for: ${parsed.message}`);
    durationMs = parsed.ms;
  }
  const confirmations: Record<string, string> = {};
  for (const item of checklist) {
    const given = checkDecisionText(
      `confirm ${quoteForMessage(item)}`,
      Object.hasOwn(form.confirmations, item) ? (form.confirmations[item] ?? '') : '',
      false,
    );
    if (!given.ok) return given;
    if (given.value !== '') confirmations[item] = given.value;
  }
  return { ok: true, value: { approver, note: note.value, durationMs, confirmations } };
}

export function checkDenial(reason: string): Checked<string> {
  return checkDecisionText('reason', reason, true);
}
