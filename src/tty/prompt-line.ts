/**
 * The restricted prompt's edit line as drawn: `target [user, 42m left]> ` and the line being
 * typed, scrolled sideways when it is wider than the terminal.
 */
import type { Clock } from '../core/clock.js';
import { formatTimeLeft } from '../core/duration.js';

export interface PromptLineOptions {
  readonly targetName: string;
  readonly userName: string;
  /** When the grant ends (epoch ms): the prompt shows the time left. */
  readonly endsAt: number;
  readonly clock: Clock;
  /** The user's terminal width. */
  readonly cols: number;
}

export class PromptLine {
  private cols: number;
  private scroll = 0;
  /** The terminal changed width since the line was drawn: the next move redraws it. */
  private resized = false;

  constructor(private readonly opts: PromptLineOptions) {
    this.cols = opts.cols;
  }

  resize(cols: number): void {
    if (cols <= 0 || cols === this.cols) return;
    this.cols = cols;
    this.resized = true;
  }

  /** A new or cleared line starts unscrolled. */
  reset(): void {
    this.scroll = 0;
  }

  /** Whether a character typed at the end of `line` can simply be echoed, with no redraw. */
  canEcho(line: string, cursor: number): boolean {
    return cursor === line.length && this.scroll === 0 && line.length + 1 < this.available();
  }

  /**
   * The cursor moved from `from` to `to` in an unchanged `line`: only a cursor movement when
   * the visible part stays the same (a redraw per key of a long line was kilobytes per byte
   * typed), else the whole line redrawn.
   */
  moveCursor(line: string, from: number, to: number): string {
    if (this.resized || this.scrollFor(line, to) !== this.scroll) return this.render(line, to);
    if (to < from) return `\x1b[${from - to}D`;
    if (to > from) return `\x1b[${to - from}C`;
    return '';
  }

  /** Redraws the whole prompt line and puts the cursor back where it is in `line`. */
  render(line: string, cursor: number): string {
    const prompt = this.promptText();
    const avail = this.available();
    this.scroll = this.scrollFor(line, cursor);
    this.resized = false;
    const visible = line.slice(this.scroll, this.scroll + avail);
    const back = this.scroll + visible.length - cursor;
    return `\r${prompt}${visible}\x1b[K${back > 0 ? `\x1b[${back}D` : ''}`;
  }

  /** The first character shown: the window moves only as far as needed to show the cursor. */
  private scrollFor(line: string, cursor: number): number {
    const avail = this.available();
    if (line.length <= avail) return 0;
    if (cursor < this.scroll) return cursor;
    if (cursor > this.scroll + avail) return cursor - avail;
    return this.scroll;
  }

  private promptText(): string {
    const left = formatTimeLeft(this.opts.endsAt - this.opts.clock.now());
    return `${this.opts.targetName} [${this.opts.userName}, ${left} left]> `;
  }

  private available(): number {
    return Math.max(8, this.cols - this.promptText().length - 1);
  }
}
