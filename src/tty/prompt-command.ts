/**
 * One allowed line of the restricted prompt, running on the target as its own exec channel: no
 * input (stdin closed), its output streamed to the user's terminal with back-pressure, Ctrl-C
 * as SIGINT.
 */
import type { TargetChannel } from '../stream/channels.js';
import { onChannelExit } from '../stream/channel-exit.js';
import { toCrlf } from '../stream/crlf.js';

export interface CommandExit {
  readonly code: number | null;
  readonly signal: string | null;
}

/** The user's terminal; false: it is full, pause the source until it resumes it. */
export interface CommandTerminal {
  out(data: Buffer): boolean;
  err(data: Buffer): boolean;
}

/** How long an interrupted command may take to close before the prompt comes back anyway. */
const INTERRUPT_GRACE_MS = 1000;

export class PromptCommand {
  /** Resolves when the channel closes, or when the command is abandoned. */
  readonly exit: Promise<CommandExit>;
  private shownEndsLine = true;
  private muted = false;
  private done = false;
  private resolveExit: () => void = () => undefined;

  constructor(
    private readonly channel: TargetChannel,
    terminal: CommandTerminal,
  ) {
    let code: number | null = null;
    let signal: string | null = null;
    const show = (d: Buffer, toStderr: boolean): void => {
      if (this.done || this.muted || d.length === 0) return;
      const data = toCrlf(d);
      this.shownEndsLine = data[data.length - 1] === 0x0a;
      const more = toStderr ? terminal.err(data) : terminal.out(data);
      if (!more) (toStderr ? channel.stderr : channel).pause();
    };
    channel.on('data', (d: Buffer) => show(d, false));
    channel.stderr.on('data', (d: Buffer) => show(d, true));
    onChannelExit(channel, (exit) => {
      code = exit.code;
      signal = exit.signal;
    });
    this.exit = new Promise((resolve) => {
      this.resolveExit = () => resolve({ code, signal });
    });
    channel.once('close', () => this.abandon());
    // Commands get no input: a program waiting for stdin would otherwise hang the prompt.
    channel.end();
  }

  /** Whether what was shown ends with a newline (else the prompt starts a new line first). */
  get endsLine(): boolean {
    return this.shownEndsLine;
  }

  /** Stops waiting for the channel: `exit` resolves now, later output is not shown. */
  abandon(): void {
    if (this.done) return;
    this.done = true;
    this.resolveExit();
  }

  /** Ctrl-C: SIGINT and close; no more output is shown, `exit` resolves within a grace period. */
  interrupt(): void {
    this.muted = true;
    this.shownEndsLine = true;
    this.signal('INT');
    this.channel.close();
    setTimeout(() => this.abandon(), INTERRUPT_GRACE_MS).unref();
  }

  signal(name: string): void {
    try {
      this.channel.signal(name);
    } catch {
      // an unknown signal name, or the channel is already closing
    }
  }

  resume(): void {
    this.channel.resume();
    this.channel.stderr.resume();
  }

  close(): void {
    this.channel.close();
  }
}
