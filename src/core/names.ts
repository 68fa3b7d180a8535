/** Canonical names for users, targets and reviewers (DESIGN.md §4): no folding, no trimming. */

import { escapeChar } from './untrusted-text.js';

export const NAME_PATTERN = /^[a-z][a-z0-9._-]{0,63}$/;

export type NameKind = 'user' | 'target' | 'reviewer';

export type NameCheck = { readonly ok: true } | { readonly ok: false; readonly message: string };

const SHOWN_CHARS = 40;
const SHOWN_WIDTH = 80;

/**
 * Quotes untrusted text for a one-line message: everything outside printable ASCII escaped
 * (\n, \u0430 …) so control characters cannot break the line and look-alikes (Cyrillic а,
 * full-width ａ) are visibly not ASCII. At most 40 characters (and 80 columns of escapes) are
 * shown; longer input ends in `... (N chars)`.
 */
export function quoteForMessage(value: string): string {
  const points = Array.from(value);
  let body = '';
  let shown = 0;
  for (const ch of points) {
    if (shown === SHOWN_CHARS) break;
    const escaped = escapeChar(ch);
    if (body.length + escaped.length > SHOWN_WIDTH) break;
    body += escaped;
    shown++;
  }
  const quoted = `"${body}"`;
  return shown < points.length ? `${quoted}... (${points.length} chars)` : quoted;
}

function hint(value: string): string {
  if (value.length === 0) return 'empty';
  if (value.length > 64) return 'at most 64 characters';
  return 'lower case, starts with a letter';
}

export function checkName(kind: NameKind, value: string): NameCheck {
  if (NAME_PATTERN.test(value)) return { ok: true };
  return {
    ok: false,
    message: `${kind} name ${quoteForMessage(value)}: must match ${NAME_PATTERN.source} (${hint(value)})`,
  };
}
