/**
 * The final text of a recording, for grep: output replayed through a minimal line model.
 * Handles text, \n, \r, \b, \t (8-column stops) and, on the current line, CSI C/D/G (cursor
 * left/right/column), K (erase in line), P (delete chars), @ (insert blanks), X (erase chars) —
 * enough for shells and readline editing. String sequences (OSC, DCS, SOS, PM, APC) and CSIs
 * that are not well-formed are shown as placeholders (`⟦OSC 0: title⟧`, review-marks.ts) on a
 * line of their own above the line where they arrived — never on it, so later output cannot
 * overwrite or erase them — and marker events
 * (gatehouse's notices, commands) as lines of their own where the cursor was
 * (`⟦── gatehouse: … ──⟧`); every other sequence is dropped. Limits: no cursor up/down or
 * absolute positioning and no screen clearing, so full-screen programs (vim, top, less) come out
 * as their text in arrival order; every code point takes one column (wide CJK characters are not
 * doubled); trailing spaces are trimmed.
 *
 * Where the model cannot be sure its cursor is where the terminal's was, it never drops text: a
 * line becomes unsure once it holds a character that may not take exactly one column (wide,
 * zero-width, combining, escaped invisible), once the cursor passes the terminal's width (the
 * terminal wrapped), after a sequence the model does not follow (cursor up, absolute position,
 * ESC 7/8, VT, FF …), or when a bare LF left the terminal's cursor off column 0. On an unsure
 * line, text that a write, erase or delete would remove is kept: the line is finished as it
 * stands and the cursor goes on on a fresh one. Otherwise a recorded user could hide what their
 * terminal showed (`中中中SECRET`, CR, column 4, `XXXXXX`: the terminal still shows SECRET).
 * Pure.
 */
import type { CastEvent } from './asciicast-encoder.js';
import { escapeReserved, noticeLine, placeholderOf } from './review-marks.js';
import { TerminalTokenizer, type TerminalToken } from './terminal-tokenizer.js';

/** Cursor moves are clamped so a hostile `CSI 999999999 C` cannot exhaust memory. */
const MAX_COL = 4096;

/** Takes one column in every terminal: printable Latin up to U+02FF, the soft hyphen aside. */
const isSingleColumn = (ch: string): boolean => {
  const c = ch.codePointAt(0)!;
  return c >= 0x20 && c < 0x300 && c !== 0x7f && c !== 0xad && (c < 0x80 || c > 0x9f);
};

/** CSI finals the model follows (SGR only colours). */
const FOLLOWED_CSI = new Set([...'CDGKP@Xm']);
/** Modes that move no text (bracketed paste, cursor visibility and blink, cursor keys, wrap). */
const HARMLESS_MODES = new Set(['?2004', '?25', '?12', '?1', '?7']);

class LineModel {
  readonly done: string[] = [];
  line: string[] = [];
  col = 0;
  /** The cursor may not be where the terminal's was: text is kept, never removed. */
  unsure = false;

  /** `width`: the narrowest the terminal was (header, resizes); null when unknown. */
  constructor(public width: number | null) {}

  /** One character of recorded output; a reserved or invisible one is shown escaped. */
  print(ch: string): void {
    if (!isSingleColumn(ch)) this.unsure = true;
    for (const c of escapeReserved(ch)) this.put(c);
  }

  put(ch: string): void {
    if (this.col >= MAX_COL) this.newline(); // wrap, as the terminal would have
    if (this.width !== null && this.col >= this.width) this.unsure = true;
    const old = this.line[this.col];
    if (old !== undefined && old !== ' ' && old !== ch) this.keepIfUnsure(this.col, this.col + 1);
    while (this.line.length < this.col) this.line.push(' ');
    this.line[this.col] = ch;
    this.col += 1;
  }

  newline(): void {
    this.done.push(this.line.join('').trimEnd());
    this.line = [];
    // A bare LF leaves the terminal's cursor in its column; the model starts at 0.
    this.unsure = this.col !== 0;
    this.col = 0;
  }

  /** On an unsure line, before cells from..to would be lost: the line is finished as it is. */
  keepIfUnsure(from: number, to: number): void {
    if (!this.unsure || !this.line.slice(from, to).some((c) => c !== ' ')) return;
    this.done.push(this.line.join('').trimEnd());
    this.line = [];
  }

  csi(params: string, final: string): void {
    const harmless = (final === 'h' || final === 'l') && HARMLESS_MODES.has(params);
    if (!FOLLOWED_CSI.has(final) && !harmless) this.unsure = true;
    if (!/^[0-9;]*$/.test(params)) return;
    const first = params.split(';')[0] ?? '';
    const arg = first === '' ? 0 : Number(first);
    const n = Math.min(MAX_COL, Math.max(1, arg));
    switch (final) {
      case 'C':
        this.col = Math.min(MAX_COL, this.col + n);
        break;
      case 'D':
        this.col = Math.max(0, this.col - n);
        break;
      case 'G':
        this.col = n - 1;
        break;
      case 'K':
        this.keepIfUnsure(arg === 0 ? this.col : 0, arg === 1 ? this.col + 1 : this.line.length);
        if (arg === 0) this.line.length = Math.min(this.line.length, this.col);
        else if (arg === 1)
          for (let i = 0; i <= this.col && i < this.line.length; i++) this.line[i] = ' ';
        else if (arg === 2) this.line = [];
        break;
      case 'P':
        this.keepIfUnsure(this.col, this.col + n);
        this.line.splice(this.col, n);
        break;
      case '@':
        if (this.col < this.line.length)
          this.line.splice(this.col, 0, ...Array<string>(n).fill(' '));
        break;
      case 'X':
        this.keepIfUnsure(this.col, this.col + n);
        for (let i = this.col; i < this.col + n && i < this.line.length; i++) this.line[i] = ' ';
        break;
    }
  }

  narrowTo(cols: number): void {
    if (Number.isInteger(cols) && cols > 0) this.width = Math.min(this.width ?? cols, cols);
  }

  /** A finished line above the current one; the current line and the cursor stay as they are. */
  above(line: string): void {
    this.done.push(line);
  }

  /** A line of gatehouse's own, where the cursor is: as a notice printed with a line end. */
  notice(line: string): void {
    if (this.line.length > 0) this.newline();
    this.done.push(line);
    this.col = 0;
  }

  text(): string {
    const last = this.line.join('').trimEnd();
    return [...this.done, ...(last === '' ? [] : [last])].join('\n');
  }
}

function apply(model: LineModel, token: TerminalToken): void {
  const placeholder = placeholderOf(token);
  if (placeholder !== null) model.above(placeholder);
  else if (token.type === 'text') for (const ch of token.text) model.print(ch);
  else if (token.type === 'csi' && token.intermediates === '') model.csi(token.params, token.final);
  else if (token.type === 'csi' || token.type === 'esc') model.unsure = true;
  else if (token.type === 'control') {
    if (token.char === '\n') model.newline();
    else if (token.char === '\u000b' || token.char === '\u000c') model.unsure = true;
    else if (token.char === '\r') model.col = 0;
    else if (token.char === '\b') model.col = Math.max(0, model.col - 1);
    else if (token.char === '\t')
      model.col = Math.min(MAX_COL, (Math.floor(model.col / 8) + 1) * 8);
  }
}

/** `width`: the recording header's terminal width, when it has one. */
export function renderText(events: readonly CastEvent[], width: number | null = null): string {
  const tokenizer = new TerminalTokenizer();
  const model = new LineModel(width);
  for (const event of events) {
    if (event.kind === 'm') model.notice(noticeLine(event.data));
    if (event.kind === 'r') model.narrowTo(Number(event.data.split('x')[0]));
    if (event.kind !== 'o') continue;
    for (const token of tokenizer.write(event.data)) apply(model, token);
  }
  for (const token of tokenizer.end()) apply(model, token);
  return model.text();
}
