/**
 * Splits terminal output (decoded text) into text, controls and escape sequences, following the
 * shape of the DEC/ECMA-48 parser (vt100.net/emu/dec_ansi_parser) closely enough to strip or
 * keep sequences safely. Stateful: a sequence split across chunks is recognised whole. String
 * sequences (OSC, DCS, SOS, PM, APC) keep their payload, bounded, so review views can show what
 * the user's terminal received without displaying it. A CSI is a `csi` token (which views drop)
 * only when well-formed; any other is a `shown-csi` token holding what it consumed, so no text
 * can vanish inside one. An 8-bit CSI (U+009B) opens nothing: terminals disagree on it, so it is a
 * `control` token and what follows is text (docs/recording-review.md). Pure.
 */

export type TerminalToken =
  | { readonly type: 'text'; readonly text: string }
  /** C0 control (and DEL), or a C1 control that opens no sequence. */
  | { readonly type: 'control'; readonly char: string }
  /** A well-formed CSI (`ESC [`): params include a private prefix such as `?`. */
  | {
      readonly type: 'csi';
      readonly params: string;
      readonly intermediates: string;
      readonly final: string;
    }
  | { readonly type: 'esc'; readonly intermediates: string; readonly final: string }
  /** OSC, DCS, SOS, PM or APC string. */
  | StringToken
  | ShownCsiToken;

/**
 * How a CSI that views show ended: `malformed` (cut off by a character that cannot continue it:
 * that character follows as text, control or sequence), `too-long` (more than MAX_CSI
 * characters: the first MAX_CSI are kept, the rest is text), `cancelled` (CAN/SUB),
 * `unterminated` (open at the end of the output).
 */
export type CsiEnd = 'malformed' | 'too-long' | 'cancelled' | 'unterminated';

/** A CSI that is not well-formed: views show it rather than drop it. */
export interface ShownCsiToken {
  readonly type: 'shown-csi';
  /** What followed `ESC [` up to where it ended: at most MAX_CSI characters. */
  readonly content: string;
  readonly end: CsiEnd;
}

export type StringKind = 'osc' | 'dcs' | 'sos' | 'pm' | 'apc';

/**
 * How a string sequence ended: `st` (ST, BEL, or an ESC starting another sequence, as xterm
 * takes it), `cancelled` (CAN/SUB: the terminal ignored it, but the bytes reached the client),
 * `unterminated` (the output ended inside it; from `end()`).
 */
export type StringEnd = 'st' | 'cancelled' | 'unterminated';

export interface StringToken {
  readonly type: 'string';
  readonly kind: StringKind;
  /** The first MAX_STRING_KEPT characters of the content (introducer and terminator excluded). */
  readonly payload: string;
  /** UTF-16 units of content in all (> payload.length when it was cut). */
  readonly length: number;
  readonly end: StringEnd;
}

/** Content kept per string sequence: enough to show and decode, bounded against a flood. */
export const MAX_STRING_KEPT = 4096;

type State = 'ground' | 'esc' | 'csi' | 'string' | 'stringEsc';

const STRING_INTRODUCERS: Readonly<Record<string, 'osc' | 'dcs' | 'sos' | 'pm' | 'apc'>> = {
  ']': 'osc',
  P: 'dcs',
  X: 'sos',
  '^': 'pm',
  _: 'apc',
  '\u009d': 'osc',
  '\u0090': 'dcs',
  '\u0098': 'sos',
  '\u009e': 'pm',
  '\u009f': 'apc',
};
/** Characters (parameters, intermediates) a CSI or ESC sequence may consume before it is shown. */
export const MAX_CSI = 256;

/** Printed as text in ground state: not C0, DEL or C1. */
const isText = (c: number): boolean => c >= 0x20 && c !== 0x7f && (c < 0x80 || c > 0x9f);

export class TerminalTokenizer {
  #state: State = 'ground';
  #params = '';
  #intermediates = '';
  #stringKind: StringKind = 'osc';
  #payload = '';
  #payloadLength = 0;

  /** Tokens completed by `chunk`; an unfinished sequence waits for the next chunk. */
  write(chunk: string): TerminalToken[] {
    const out: TerminalToken[] = [];
    let text = '';
    const flushText = (): void => {
      if (text !== '') out.push({ type: 'text', text });
      text = '';
    };
    for (const ch of chunk) {
      const c = ch.codePointAt(0)!;
      switch (this.#state) {
        case 'ground':
          if (isText(c)) {
            text += ch;
            break;
          }
          flushText();
          this.#ground(ch, c, out);
          break;
        case 'esc':
          this.#esc(ch, c, out);
          break;
        case 'csi':
          if (!this.#csi(ch, c, out)) break;
          // The character cut the CSI off: it is handled as in ground state.
          if (isText(c)) text += ch;
          else this.#ground(ch, c, out);
          break;
        case 'string':
        case 'stringEsc':
          this.#string(ch, c, out);
          break;
      }
    }
    flushText();
    return out;
  }

  /**
   * The end of the output: a string sequence or CSI still open is returned (its bytes reached
   * the client); an unfinished ESC sequence is dropped. The tokenizer starts afresh.
   */
  end(): TerminalToken[] {
    const out: TerminalToken[] = [];
    if (this.#state === 'string' || this.#state === 'stringEsc')
      out.push(this.#stringToken('unterminated'));
    if (this.#state === 'csi') out.push(this.#shownCsi('unterminated'));
    this.#enter('ground');
    return out;
  }

  #ground(ch: string, c: number, out: TerminalToken[]): void {
    if (c === 0x1b) return this.#enter('esc');
    const kind = STRING_INTRODUCERS[ch];
    if (kind !== undefined) return this.#enterString(kind);
    if (c === 0x9c) return; // stray ST
    out.push({ type: 'control', char: ch });
  }

  #esc(ch: string, c: number, out: TerminalToken[]): void {
    if (c === 0x1b) return this.#enter('esc');
    if (this.#intermediates === '') {
      if (ch === '[') return this.#enter('csi');
      const kind = STRING_INTRODUCERS[ch];
      if (kind !== undefined && c < 0x80) return this.#enterString(kind);
    }
    if (c >= 0x20 && c <= 0x2f && this.#intermediates.length < MAX_CSI) {
      this.#intermediates += ch;
      return;
    }
    if (c >= 0x20 && c <= 0x2f) {
      // Too long to be a sequence: its intermediates (printable ASCII) are shown as text.
      out.push({ type: 'text', text: this.#intermediates + ch });
      return this.#enter('ground');
    }
    if (c >= 0x30 && c <= 0x7e) {
      out.push({ type: 'esc', intermediates: this.#intermediates, final: ch });
      return this.#enter('ground');
    }
    // Anything else aborts the sequence; the character is handled as in ground state.
    this.#enter('ground');
    if (c === 0x18 || c === 0x1a) return; // CAN / SUB only cancel
    if (isText(c)) out.push({ type: 'text', text: ch });
    else this.#ground(ch, c, out);
  }

  /**
   * One character inside a CSI. True when it cannot continue the CSI: the CSI, cut off, was
   * returned for views to show, and the caller handles the character as in ground state.
   */
  #csi(ch: string, c: number, out: TerminalToken[]): boolean {
    if (c >= 0x40 && c <= 0x7e) {
      out.push({
        type: 'csi',
        params: this.#params,
        intermediates: this.#intermediates,
        final: ch,
      });
      this.#enter('ground');
      return false;
    }
    if (c === 0x18 || c === 0x1a) {
      out.push(this.#shownCsi('cancelled'));
      this.#enter('ground');
      return false;
    }
    const parameter = c >= 0x30 && c <= 0x3f && this.#intermediates === '';
    const intermediate = c >= 0x20 && c <= 0x2f;
    if (!parameter && !intermediate) {
      // A control, ESC, DEL, C1, non-ASCII text, or a parameter after an intermediate. DEC
      // terminals execute a C0 control and go on; views end the CSI so that no line break,
      // text or later sequence can be swallowed by one.
      out.push(this.#shownCsi('malformed'));
      this.#enter('ground');
      return true;
    }
    if (this.#params.length + this.#intermediates.length === MAX_CSI) {
      out.push(this.#shownCsi('too-long'));
      this.#enter('ground');
      return true;
    }
    if (parameter) this.#params += ch;
    else this.#intermediates += ch;
    return false;
  }

  #shownCsi(end: CsiEnd): ShownCsiToken {
    return { type: 'shown-csi', content: this.#params + this.#intermediates, end };
  }

  #string(ch: string, c: number, out: TerminalToken[]): void {
    const terminated = c === 0x07 || c === 0x9c || (this.#state === 'stringEsc' && ch === '\\');
    if (terminated) {
      out.push(this.#stringToken('st'));
      return this.#enter('ground');
    }
    if (this.#state === 'stringEsc') {
      // ESC not followed by `\` ends the string (as in xterm) and starts a new sequence.
      out.push(this.#stringToken('st'));
      this.#enter('esc');
      return this.#esc(ch, c, out);
    }
    if (c === 0x1b) this.#state = 'stringEsc';
    else if (c === 0x18 || c === 0x1a) {
      out.push(this.#stringToken('cancelled'));
      this.#enter('ground');
    } else {
      this.#payloadLength += ch.length; // UTF-16 units, as payload.length
      if (this.#payload.length < MAX_STRING_KEPT) this.#payload += ch;
    }
  }

  #enterString(kind: StringKind): void {
    this.#stringKind = kind;
    this.#payload = '';
    this.#payloadLength = 0;
    this.#enter('string');
  }

  #stringToken(end: StringEnd): StringToken {
    const token: StringToken = {
      type: 'string',
      kind: this.#stringKind,
      payload: this.#payload,
      length: this.#payloadLength,
      end,
    };
    this.#payload = '';
    this.#payloadLength = 0;
    return token;
  }

  #enter(state: State): void {
    this.#state = state;
    this.#params = '';
    this.#intermediates = '';
  }
}
