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
 * doubled); trailing spaces are trimmed. Pure.
 */
import type { CastEvent } from './asciicast-encoder.js';
import { escapeReserved, noticeLine, placeholderOf } from './review-marks.js';
import { TerminalTokenizer, type TerminalToken } from './terminal-tokenizer.js';

/** Cursor moves are clamped so a hostile `CSI 999999999 C` cannot exhaust memory. */
const MAX_COL = 4096;

class LineModel {
  readonly done: string[] = [];
  line: string[] = [];
  col = 0;

  put(ch: string): void {
    if (this.col >= MAX_COL) this.newline(); // wrap, as the terminal would have
    while (this.line.length < this.col) this.line.push(' ');
    this.line[this.col] = ch;
    this.col += 1;
  }

  newline(): void {
    this.done.push(this.line.join('').trimEnd());
    this.line = [];
    this.col = 0;
  }

  csi(params: string, final: string): void {
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
        if (arg === 0) this.line.length = Math.min(this.line.length, this.col);
        else if (arg === 1)
          for (let i = 0; i <= this.col && i < this.line.length; i++) this.line[i] = ' ';
        else if (arg === 2) this.line = [];
        break;
      case 'P':
        this.line.splice(this.col, n);
        break;
      case '@':
        if (this.col < this.line.length)
          this.line.splice(this.col, 0, ...Array<string>(n).fill(' '));
        break;
      case 'X':
        for (let i = this.col; i < this.col + n && i < this.line.length; i++) this.line[i] = ' ';
        break;
    }
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
  else if (token.type === 'text') for (const ch of escapeReserved(token.text)) model.put(ch);
  else if (token.type === 'csi' && token.intermediates === '') model.csi(token.params, token.final);
  else if (token.type === 'control') {
    if (token.char === '\n') model.newline();
    else if (token.char === '\r') model.col = 0;
    else if (token.char === '\b') model.col = Math.max(0, model.col - 1);
    else if (token.char === '\t')
      model.col = Math.min(MAX_COL, (Math.floor(model.col / 8) + 1) * 8);
  }
}

export function renderText(events: readonly CastEvent[]): string {
  const tokenizer = new TerminalTokenizer();
  const model = new LineModel();
  for (const event of events) {
    if (event.kind === 'm') model.notice(noticeLine(event.data));
    if (event.kind !== 'o') continue;
    for (const token of tokenizer.write(event.data)) apply(model, token);
  }
  for (const token of tokenizer.end()) apply(model, token);
  return model.text();
}
