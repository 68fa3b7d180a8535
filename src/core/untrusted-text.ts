/**
 * Text gatehouse did not write, made safe to keep or show. What an unauthenticated peer sent (a
 * login name, a key algorithm, a version string) is kept in an audit payload, a log line or memory
 * as at most UNTRUSTED_TEXT_MAX characters of one printable ASCII line (boundUntrusted). What a
 * person typed (a reason, a note, a checklist item) is refused where it is typed when it holds an
 * UNPRINTABLE character, and shown with those escaped (escapeUnprintable).
 */

/**
 * The longest text kept: 129 characters, the longest valid login (`user+target`, each name at
 * most 64 characters), so a login that could be valid is never cut.
 */
export const UNTRUSTED_TEXT_MAX = 129;

/**
 * One character as printable ASCII: `\` and `"` escaped, \n \r \t by name, everything else outside
 * 0x20–0x7e as \uXXXX (control characters cannot break a line, look-alikes such as Cyrillic а are
 * visibly not ASCII).
 */
export function escapeChar(ch: string): string {
  if (ch === '"' || ch === '\\') return `\\${ch}`;
  if (ch === '\n') return '\\n';
  if (ch === '\r') return '\\r';
  if (ch === '\t') return '\\t';
  let out = '';
  for (let i = 0; i < ch.length; i++) {
    const c = ch.charCodeAt(i);
    out += c < 0x20 || c > 0x7e ? `\\u${c.toString(16).padStart(4, '0')}` : ch.charAt(i);
  }
  return out;
}

/**
 * `value` escaped (escapeChar) and cut to at most `max` characters of escapes, followed by
 * `…(+N chars)` when N characters of the input were left out. The marker's `…` is the only
 * non-ASCII character the result can hold: the peer's own `…` is escaped, so the marker cannot be
 * forged. The work is bounded by `max`, not by the input's length (beyond counting what was cut).
 */
export function boundUntrusted(value: string, max: number = UNTRUSTED_TEXT_MAX): string {
  let out = '';
  let taken = 0; // UTF-16 units of `value` consumed
  for (const ch of value) {
    const escaped = escapeChar(ch);
    if (out.length + escaped.length > max) break;
    out += escaped;
    taken += ch.length;
  }
  if (taken === value.length) return out;
  return `${out}…(+${countCodePoints(value, taken)} chars)`;
}

function countCodePoints(value: string, from: number): number {
  let n = 0;
  for (let i = from; i < value.length; i++) {
    const c = value.charCodeAt(i);
    // A high surrogate followed by a low one is one character.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < value.length) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i += 1;
    }
    n += 1;
  }
  return n;
}

/**
 * Control, format (bidi, zero-width) and line/paragraph separator characters: text that prints as
 * something other than what it is.
 */
export const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

const UNPRINTABLE_ALL = new RegExp(UNPRINTABLE.source, 'gu');

/** Stored text a person typed as one line that reads as sent: UNPRINTABLE characters escaped. */
export const escapeUnprintable = (text: string): string =>
  text.replace(UNPRINTABLE_ALL, (c) => escapeChar(c));
