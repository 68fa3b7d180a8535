/**
 * How review views (replay, `replay --text`, web search, the review page) show what a terminal
 * receives without displaying it, and gatehouse's own notices, in a form the recorded user's
 * output cannot produce.
 *
 * The brackets ⟦ ⟧ (U+27E6, U+27E7) are reserved for gatehouse: a placeholder for a string
 * sequence is `⟦OSC 0: title⟧`, for a CSI that is not well-formed `⟦CSI (malformed): 12⟧`, a
 * notice (an asciicast marker event) `⟦── gatehouse: … ──⟧`.
 * Where recorded output contains those two characters, views show them escaped (`\u27e6`), and
 * payloads and labels have every control character, backslash and bracket escaped, so anything
 * between ⟦ and ⟧ in a review view was written by gatehouse. Pure.
 */
import { MAX_CSI } from './terminal-tokenizer.js';
import type {
  CsiEnd,
  ShownCsiToken,
  StringKind,
  StringToken,
  TerminalToken,
} from './terminal-tokenizer.js';

/** Characters of (escaped) payload shown in one placeholder; the rest is counted, not shown. */
export const MAX_PLACEHOLDER_CHARS = 1000;

/**
 * Shown as `\uXXXX` in every view: the reserved brackets, and the invisible format characters a
 * terminal draws as nothing but a browser or a bidi terminal obeys — bidi overrides, embeddings,
 * isolates and marks (U+202E would show a line's tail reversed on the review page and in a VTE
 * terminal) and zero-width characters (one inside a word hides it from search while the word
 * looks whole: the view shows where it is).
 */
const RESERVED = /[\u27e6\u27e7\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;
const hex = (c: string, width: number): string =>
  c.codePointAt(0)!.toString(16).padStart(width, '0');

/** Recorded output as a review view shows it: the reserved and invisible characters escaped. */
export function escapeReserved(text: string): string {
  return text.replace(RESERVED, (c) => `\\u${hex(c, 4)}`);
}

/** A placeholder's payload or a notice: controls (C0, DEL, C1) as `\xNN`, backslash as `\\`, reserved and invisible characters as `\u27e6`. */
function escapeLabel(text: string): string {
  return escapeReserved(
    // eslint-disable-next-line no-control-regex
    text.replace(/[\u0000-\u001f\u007f-\u009f\\]/g, (c) =>
      c === '\\' ? '\\\\' : `\\x${hex(c, 2)}`,
    ),
  );
}

const NAMES: Readonly<Record<StringKind, string>> = {
  osc: 'OSC',
  dcs: 'DCS',
  sos: 'SOS',
  pm: 'PM',
  apc: 'APC',
};

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** OSC 52 data as text when it is base64 (`?` is a request to read the clipboard). */
function clipboardText(data: string, cut: boolean): string | null {
  if (data === '?') return '? (asks the terminal for the clipboard)';
  if (!BASE64.test(data) || (!cut && data.length % 4 === 1)) return null;
  // A cut payload is decoded up to its last whole 4-character group.
  const whole = cut ? data.slice(0, data.length - (data.length % 4)) : data;
  return Buffer.from(whole, 'base64').toString('utf8');
}

/** `52;c;aGk=` → label `OSC 52 c`, text `hi`; `0;title` → `OSC 0`, `title`. */
function describeOsc(payload: string, cut: boolean): { label: string; text: string } {
  const m = /^([0-9]{1,5});/.exec(payload);
  if (m === null) return { label: 'OSC', text: payload };
  const number = m[1]!;
  const rest = payload.slice(m[0].length);
  if (number === '52') {
    const semi = rest.indexOf(';');
    if (semi !== -1) {
      const targets = rest.slice(0, semi);
      const decoded = clipboardText(rest.slice(semi + 1), cut);
      if (decoded !== null) return { label: `OSC 52 ${targets}`, text: decoded };
      return { label: `OSC 52 ${targets} (not base64)`, text: rest.slice(semi + 1) };
    }
  }
  return { label: `OSC ${number}`, text: rest };
}

/**
 * `⟦OSC 0: TITLE⟧`, `⟦OSC 52 c: <decoded>⟧`, `⟦DCS: …⟧`; a cancelled or unterminated string is
 * said to be; at most MAX_PLACEHOLDER_CHARS of escaped payload, then `… (N characters in all)`.
 */
export function stringPlaceholder(token: StringToken): string {
  const cut = token.length > token.payload.length;
  const { label, text } =
    token.kind === 'osc'
      ? describeOsc(token.payload, cut)
      : { label: NAMES[token.kind], text: token.payload };
  const ending = token.end === 'st' ? '' : ` (${token.end})`;
  return bracketed(`${label}${ending}`, text, cut ? token.length : null);
}

/** `⟦label: text⟧`, text escaped and bounded; `length`: the whole payload's, when `text` was cut. */
function bracketed(label: string, text: string, length: number | null): string {
  const escaped = escapeLabel(text);
  const shown =
    escaped.length > MAX_PLACEHOLDER_CHARS || length !== null
      ? `${escaped.slice(0, MAX_PLACEHOLDER_CHARS)}… (${length ?? text.length} characters in all)`
      : escaped;
  return `⟦${label}: ${shown}⟧`;
}

const CSI_ENDS: Readonly<Record<CsiEnd, string>> = {
  malformed: ' (malformed)',
  'too-long': ` (over ${MAX_CSI} characters)`,
  cancelled: ' (cancelled)',
  unterminated: ' (unterminated)',
};

/** `⟦CSI (malformed): 12⟧`, `⟦CSI (over 256 characters): 777…⟧`. */
export function csiPlaceholder(token: ShownCsiToken): string {
  return bracketed(`CSI${CSI_ENDS[token.end]}`, token.content, null);
}

/**
 * U+009B (CSI as a UTF-8 character): tmux ignores it and prints what follows, terminals that
 * honour C1 controls in UTF-8 take what follows as a control sequence. Views obey nothing, show
 * what follows as text, and mark the spot.
 */
export const EIGHT_BIT_CSI = '⟦8-bit CSI: not obeyed; what follows is shown as text⟧';

/** The placeholder a review view shows for `token`, or null when it shows none. */
export function placeholderOf(token: TerminalToken): string | null {
  if (token.type === 'string') return stringPlaceholder(token);
  if (token.type === 'shown-csi') return csiPlaceholder(token);
  if (token.type === 'control' && token.char === '\u009b') return EIGHT_BIT_CSI;
  return null;
}

/** An asciicast marker (gatehouse's notice, a command, an NDA acknowledgement) as one line. */
export function noticeLine(label: string): string {
  return `⟦── ${escapeLabel(label.slice(0, MAX_PLACEHOLDER_CHARS))} ──⟧`;
}
