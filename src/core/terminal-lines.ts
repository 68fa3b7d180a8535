/**
 * Lines of a terminal stream as text to match (issue 15 alerts): escape sequences (CSI, OSC, DCS
 * and the like, split across chunks or not) and other control characters removed, a line ended by
 * LF or CR. Memory is bounded: a line longer than TERMINAL_LINE_MAX is passed on in pieces of that
 * length, and a string sequence is skipped however long it is.
 */

export const TERMINAL_LINE_MAX = 4096;
/** The longest text a `mayHold` test looks for (an alert pattern has at most 200 characters). */
const MAY_HOLD_MAX = 256;

type State = 'ground' | 'escape' | 'csi' | 'string' | 'stringEscape';

const ESC = '\x1b';
/**
 * BS and DEL take back the character before them: a typed erase, and the BS-space-BS a shell
 * echoes for it, so that `sudo sx<erase>u` is seen as the `sudo su` it runs.
 */
const hasErase = (text: string): boolean => text.includes('\b') || text.includes('\x7f');
/** C0 controls but tab, LF, CR and BS: dropped where no sequence is open. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROLS = /[\x00-\x07\x0b\x0c\x0e-\x1a\x1c-\x1f]/g;
const CONTROL_CHARS = Array.from({ length: 0x20 }, (_, c) => String.fromCharCode(c)).filter(
  (c) => c !== '\t' && c !== '\n' && c !== '\r' && c !== '\b' && c !== ESC,
);
/** One search per character: several times faster than a character class on long output. */
const hasControl = (text: string): boolean => CONTROL_CHARS.some((c) => text.includes(c));
const LINE_BREAK = /\r\n?|\n/;

export class TerminalLines {
  #state: State = 'ground';
  #line = '';
  /** Whether mayHold may say yes of #line. */
  #lineMayHold = false;

  /**
   * `mayHold`: a cheap test of text with its escapes removed, true when what it looks for (each
   * at most MAY_HOLD_MAX characters) occurs in it; lines of text where it finds nothing (alone,
   * with the unfinished line, or across their join) are not passed on: none of them can match.
   */
  constructor(private readonly mayHold: (text: string) => boolean = () => true) {}

  /** Feeds text; calls `onLine` with each non-empty line it completes (without its line break). */
  feed(text: string, onLine: (line: string) => void): void {
    const stripped =
      this.#state === 'ground' && !text.includes(ESC)
        ? hasControl(text)
          ? text.replace(CONTROLS, '')
          : text
        : this.#strip(text);
    const clean = hasErase(stripped) ? this.#erase(stripped) : stripped;
    const join = this.#line.slice(-MAY_HOLD_MAX) + clean.slice(0, MAY_HOLD_MAX);
    if (!this.#lineMayHold && !this.mayHold(clean) && !this.mayHold(join)) {
      this.#skip(clean);
      return;
    }
    const parts = clean.split(LINE_BREAK);
    const rest = parts.pop() ?? '';
    parts.forEach((part, i) => this.#emit(i === 0 ? this.#line + part : part, onLine));
    if (parts.length > 0) this.#line = '';
    this.#append(rest, onLine);
    this.#lineMayHold = this.mayHold(this.#line);
  }

  /** What an unfinished line holds after `clean`, no line passed on (pieces as in #append). */
  #skip(clean: string): void {
    // `includes` first: it finds a character by memchr, `lastIndexOf` walks the whole text.
    const breaks = clean.includes('\n') || clean.includes('\r');
    const end = breaks ? Math.max(clean.lastIndexOf('\n'), clean.lastIndexOf('\r')) : -1;
    const before = end < 0 ? this.#line.length : 0;
    const kept = (before + clean.length - end - 1) % TERMINAL_LINE_MAX;
    this.#line =
      kept <= clean.length - end - 1
        ? clean.slice(clean.length - kept)
        : this.#line.slice(before - (kept - clean.length)) + clean;
  }

  /** `text` with each erase applied; one at its start takes from the unfinished line. */
  #erase(text: string): string {
    let out = '';
    for (const ch of text) {
      if (ch !== '\b' && ch !== '\x7f') out += ch;
      else if (out === '') this.#line = this.#line.slice(0, -1);
      // At the start of a line the cursor goes no further left.
      else if (!out.endsWith('\n') && !out.endsWith('\r')) out = out.slice(0, -1);
    }
    return out;
  }

  /** Passes on what is left of an unfinished line (at the session's end). */
  flush(onLine: (line: string) => void): void {
    this.#emit(this.#line, onLine);
    this.#line = '';
    this.#lineMayHold = false;
  }

  #append(text: string, onLine: (line: string) => void): void {
    let line = this.#line + text;
    while (line.length >= TERMINAL_LINE_MAX) {
      onLine(line.slice(0, TERMINAL_LINE_MAX));
      line = line.slice(TERMINAL_LINE_MAX);
    }
    this.#line = line;
  }

  #emit(line: string, onLine: (line: string) => void): void {
    for (let at = 0; at < line.length; at += TERMINAL_LINE_MAX)
      onLine(line.slice(at, at + TERMINAL_LINE_MAX));
  }

  /** The slow path: a sequence is open or starts in `text`. */
  #strip(text: string): string {
    let out = '';
    let state = this.#state;
    for (const ch of text) {
      const code = ch.charCodeAt(0);
      switch (state) {
        case 'ground':
          if (ch === ESC) state = 'escape';
          else if (ch === '\n' || ch === '\r' || ch === '\t' || ch === '\b' || code >= 0x20)
            out += ch;
          break;
        case 'escape':
          if (ch === '[') state = 'csi';
          else if (ch === ']' || ch === 'P' || ch === 'X' || ch === '^' || ch === '_')
            state = 'string';
          else if (code >= 0x20 && code <= 0x2f)
            state = 'escape'; // intermediate: ESC ( B
          else state = 'ground';
          break;
        case 'csi':
          if (code >= 0x40 && code <= 0x7e) state = 'ground';
          else if (code < 0x20 && ch !== ESC)
            state = 'csi'; // controls inside a CSI are executed
          else if (ch === ESC) state = 'escape';
          break;
        case 'string':
          if (code === 0x07) state = 'ground';
          else if (ch === ESC) state = 'stringEscape';
          break;
        case 'stringEscape':
          state = ch === '\\' ? 'ground' : ch === ESC ? 'stringEscape' : 'string';
          break;
      }
    }
    this.#state = state;
    return out;
  }
}
