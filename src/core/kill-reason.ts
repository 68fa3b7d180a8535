/**
 * Why a live session is ended (`gatehouse session kill --reason`, the session page's end form):
 * shown to the session's user on their terminal, so one printable line, short. Pure.
 */
import { UNPRINTABLE } from './untrusted-text.js';

export const KILL_REASON_MAX = 200;

export type CheckedReason =
  { readonly ok: true; readonly value: string } | { readonly ok: false; readonly message: string };

/** Trimmed; empty, unprintable (control, bidi, zero-width) or longer than 200 is refused. */
export function checkKillReason(field: string, text: string): CheckedReason {
  const value = text.trim();
  if (value === '') return { ok: false, message: `${field}: must not be empty` };
  if (UNPRINTABLE.test(value))
    return {
      ok: false,
      message: `${field}: contains unprintable characters (control, bidi or zero-width)`,
    };
  const length = Array.from(value).length;
  if (length > KILL_REASON_MAX)
    return { ok: false, message: `${field}: ${length} characters, at most ${KILL_REASON_MAX}` };
  return { ok: true, value };
}
