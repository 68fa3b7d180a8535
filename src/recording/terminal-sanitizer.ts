/**
 * Reviewer-safe output: what a recorded session printed must not act on the reviewer's terminal
 * beyond drawing. Allowlist: text, \n \r \t \b, SGR colours, cursor movement, erase/insert/delete,
 * scroll region, alternate screen and cursor visibility, charset designation. Everything else is
 * removed: OSC (titles, clipboard OSC 52, hyperlinks, palette), DCS/SOS/PM/APC strings, device
 * queries whose answers would be typed into the reviewer's shell (DSR, DA, DECRQM, window ops),
 * full reset, BEL and other controls. 8-bit C1 string introducers are treated like their ESC
 * forms; an 8-bit CSI, like a malformed one, is never obeyed (what follows it is text). With `reveal` (live replay), string
 * sequences and CSIs that are not well-formed are shown instead as reverse-video placeholders
 * (`⟦OSC 0: title⟧`) and the brackets reserved for gatehouse are escaped in the recorded text
 * (review-marks.ts). Pure.
 */
import { escapeReserved, placeholderOf } from './review-marks.js';
import { TerminalTokenizer } from './terminal-tokenizer.js';
import type { TerminalToken } from './terminal-tokenizer.js';

const KEEP_CONTROLS = new Set(['\n', '\r', '\t', '\b']);
/** CSI finals that only draw: cursor moves, erase, insert/delete, scroll, SGR, save/restore. */
const DRAWING_CSI = new Set([...'ABCDEFGHfdea`IZJKLMP@XSTmrsu']);
const PRIVATE_MODES = new Set(['7', '12', '25', '47', '1047', '1048', '1049']);
const ESC_FINALS = new Set([...'78DEM=>']);
const CHARSETS = new Set([...'0AB']);

/** Write this after a replay (also when interrupted) to leave the reviewer's terminal usable. */
export const TERMINAL_RESET = '\u001b[0m\u001b(B\u001b[?25h\u001b[?1049l';

function keep(token: TerminalToken): string {
  switch (token.type) {
    case 'text':
      return token.text;
    case 'control':
      return KEEP_CONTROLS.has(token.char) ? token.char : '';
    case 'csi':
      return safeCsi(token.params, token.intermediates, token.final)
        ? `\u001b[${token.params}${token.intermediates}${token.final}`
        : '';
    case 'esc':
      if (token.intermediates === '' && ESC_FINALS.has(token.final)) return `\u001b${token.final}`;
      if (
        (token.intermediates === '(' || token.intermediates === ')') &&
        CHARSETS.has(token.final)
      ) {
        return `\u001b${token.intermediates}${token.final}`;
      }
      return '';
    case 'string':
    case 'shown-csi':
      return '';
  }
}

function safeCsi(params: string, intermediates: string, final: string): boolean {
  if (intermediates !== '') return false;
  if (/^[0-9;:]*$/.test(params)) return DRAWING_CSI.has(final);
  if ((final === 'h' || final === 'l') && params.startsWith('?')) {
    return params
      .slice(1)
      .split(';')
      .every((mode) => PRIVATE_MODES.has(mode));
  }
  return false;
}

/**
 * Reverse video on and off: shown by the reviewer's terminal, not by the recorded bytes. Drawn
 * from a clean state (attributes off, ASCII in G0): recorded output may have left concealed
 * text (SGR 8), equal colours or DEC line drawing on, which would hide or garble it.
 */
export const highlight = (text: string): string => `\u001b[0m\u001b(B\u001b[7m${text}\u001b[27m`;

/** Stateful: feed output chunk by chunk so sequences split across events are judged whole. */
export class TerminalSanitizer {
  readonly #tokenizer = new TerminalTokenizer();
  readonly #reveal: boolean;

  constructor(options: { readonly reveal?: boolean } = {}) {
    this.#reveal = options.reveal ?? false;
  }

  write(chunk: string): string {
    return this.#render(this.#tokenizer.write(chunk));
  }

  /** The end of the output: a string sequence still open is shown (reveal) or dropped. */
  end(): string {
    return this.#render(this.#tokenizer.end());
  }

  #render(tokens: readonly TerminalToken[]): string {
    let out = '';
    for (const token of tokens) {
      const placeholder = this.#reveal ? placeholderOf(token) : null;
      if (placeholder !== null) out += highlight(placeholder);
      else if (this.#reveal && token.type === 'text') out += escapeReserved(token.text);
      else out += keep(token);
    }
    return out;
  }
}

/** One-shot form; an unfinished sequence at the end of `data` is dropped. */
export function sanitizeForTerminal(data: string): string {
  return new TerminalSanitizer().write(data);
}
