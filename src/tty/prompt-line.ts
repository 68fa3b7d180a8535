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

  constructor(private readonly opts: PromptLineOptions) {
    this.cols = opts.cols;
  }

  resize(cols: number): void {
    if (cols > 0) this.cols = cols;
  }

  /** A new or cleared line starts unscrolled. */
  reset(): void {
    this.scroll = 0;
  }

  /** Whether a character typed at the end of `line` can simply be echoed, with no redraw. */
  canEcho(line: string, cursor: number): boolean {
    return cursor === line.length && this.scroll === 0 && line.length + 1 < this.available();
  }

  /** Redraws the whole prompt line and puts the cursor back where it is in `line`. */
  render(line: string, cursor: number): string {
    const prompt = this.promptText();
    const avail = this.available();
    if (line.length <= avail) this.scroll = 0;
    else if (cursor < this.scroll) this.scroll = cursor;
    else if (cursor > this.scroll + avail) this.scroll = cursor - avail;
    const visible = line.slice(this.scroll, this.scroll + avail);
    const back = this.scroll + visible.length - cursor;
    return `\r${prompt}${visible}\x1b[K${back > 0 ? `\x1b[${back}D` : ''}`;
  }

  private promptText(): string {
    const left = formatTimeLeft(this.opts.endsAt - this.opts.clock.now());
    return `${this.opts.targetName} [${this.opts.userName}, ${left} left]> `;
  }

  private available(): number {
    return Math.max(8, this.cols - this.promptText().length - 1);
  }
}
