/**
 * An approver's decision as typed into a form (the review page's approve and deny forms): checked
 * before anything is asked of the store. Notes and reasons are one printable line, bounded; an
 * approver may shorten the window, never lengthen it; checklist confirmations are taken only for
 * the target's own items.
 */
import type { AccessRequest } from './access-request.js';
import { formatDuration, parseDuration } from './duration.js';
import { quoteForMessage } from './names.js';
import type { ApprovalInput } from './ports.js';

export const DECISION_TEXT_MAX = 500;

export type Checked<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

const fail = (message: string): { ok: false; message: string } => ({ ok: false, message });

// C0, DEL, C1, line and paragraph separators, bidi controls: a note is one line that reads as typed.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/** One printable line of at most DECISION_TEXT_MAX characters, trimmed; empty allowed unless required. */
export function checkDecisionText(field: string, text: string, required: boolean): Checked<string> {
  const value = text.trim();
  if (value === '') return required ? fail(`${field}: must not be empty`) : { ok: true, value };
  if (UNPRINTABLE.test(value)) return fail(`${field}: contains control characters`);
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
  request: AccessRequest,
  checklist: readonly string[],
): Checked<ApprovalInput> {
  const note = checkDecisionText('note', form.note, false);
  if (!note.ok) return note;
  let durationMs: number | null = null;
  if (form.for.trim() !== '') {
    const parsed = parseDuration(form.for.trim());
    if (!parsed.ok) return fail(`for: ${parsed.message}`);
    if (parsed.ms > request.durationMs)
      return fail(
        `for: ${formatDuration(parsed.ms)} is longer than the ${formatDuration(request.durationMs)} requested`,
      );
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
