/**
 * The restricted prompt (DESIGN.md §5): what a user with a `commands` grant gets from
 * `ssh -t user+target@bastion`. gatehouse plays the target's shell itself: a line editor with
 * history and tab completion; each line is checked and audited exactly like an exec, and an
 * allowed one runs as its own exec channel on the target (no pty, no env, stdin closed), its
 * output streamed to the user's terminal. Relayed like a shell, so recording and live
 * enforcement apply unchanged.
 */
import { onChannelExit } from '../stream/channel-exit.js';
import type { Clock } from '../core/clock.js';
import { parsePattern, type CommandPattern } from '../core/command-policy.js';
import { formatTimeLeft } from '../core/duration.js';
import type { Grant } from '../core/model.js';
import type { Logger } from '../logging/logger.js';
import { completeCommand } from './command-completion.js';
import { decodeKeys, LineEditor, type Key } from './line-editor.js';
import { messages } from '../core/user-messages.js';
import { helpText } from './prompt-help.js';
import type { TargetChannel } from '../stream/channels.js';
import type { TargetLink } from '../targets/target-link.js';
import { toCrlf, VirtualChannel } from '../stream/virtual-channel.js';

export type LineCheck =
  | { readonly ok: true; readonly argv: readonly string[]; readonly command: string }
  | { readonly ok: false };

export interface RestrictedPromptOptions {
  readonly grant: Grant;
  readonly targetName: string;
  readonly userName: string;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The user's terminal width. */
  readonly cols: number;
  readonly link: Pick<TargetLink, 'exec'>;
  /** Matches and audits one line (exec.allowed / exec.denied); `command` is the quoted argv. */
  check(line: string): Promise<LineCheck>;
  /** Called for each allowed line just before it runs (the recorder marks it). */
  onCommand?(argv: readonly string[]): void;
  /** What a denied line prints. */
  readonly deniedLine: string;
}

const crlf = (text: string): string => text.replace(/\r?\n/g, '\r\n');
/** How long an interrupted command may take to close before the prompt comes back anyway. */
const INTERRUPT_GRACE_MS = 1000;
const TYPEAHEAD_LIMIT = 4096;

type State = 'editing' | 'checking' | 'running';

export class RestrictedPrompt extends VirtualChannel {
  private readonly editor = new LineEditor();
  private readonly patterns: readonly CommandPattern[];
  private state: State = 'editing';
  private pendingEscape = '';
  private queued: Key[] = [];
  private cols: number;
  private scroll = 0;
  private running: TargetChannel | null = null;
  private interrupted = false;
  private abandon: (() => void) | null = null;
  private atLineStart = true;

  constructor(private readonly opts: RestrictedPromptOptions) {
    super();
    this.cols = opts.cols;
    this.patterns = opts.grant.allowlist.flatMap((p) => {
      const parsed = parsePattern(p);
      return parsed.ok ? [parsed.pattern] : [];
    });
    // On stderr, like the session banner before it: the ssh client writes its stdout and stderr
    // buffers separately, so only one stream keeps the order of what arrives together.
    this.err('gatehouse: restricted prompt; type help for the allowed commands, exit to leave\r\n');
    this.render(true);
  }

  override onWindowChange(cols: number): void {
    if (cols > 0) this.cols = cols;
  }

  override onSignal(name: string): void {
    try {
      this.running?.signal(name);
    } catch {
      // unknown signal name: ignored
    }
  }

  protected input(data: Buffer): void {
    const { keys, rest } = decodeKeys(this.pendingEscape + data.toString('latin1'));
    this.pendingEscape = rest;
    this.processKeys(keys);
  }

  protected inputEnded(): void {
    this.running?.close();
    this.finish(0);
  }

  protected release(): void {
    this.running?.close();
    this.running = null;
    this.abandon?.();
  }

  protected override resumeSource(): void {
    this.running?.resume();
    this.running?.stderr.resume();
  }

  private processKeys(keys: readonly Key[]): void {
    for (const key of keys) {
      if (this.isFinished) return;
      if (this.state !== 'editing') {
        if (key.kind === 'interrupt') this.interrupt();
        else if (this.queued.length < TYPEAHEAD_LIMIT) this.queued.push(key);
        continue;
      }
      this.editKey(key);
    }
  }

  private editKey(key: Key): void {
    const e = this.editor;
    if (e.edit(key)) return this.render();
    switch (key.kind) {
      case 'char':
        if (e.cursor === e.line.length && this.scroll === 0 && e.line.length + 1 < this.available()) {
          e.insert(key.ch);
          this.out(key.ch);
          return;
        }
        e.insert(key.ch);
        break;
      case 'tab':
        this.complete();
        return;
      case 'interrupt':
        this.out('^C\r\n');
        e.clear();
        this.scroll = 0;
        break;
      case 'eof':
        if (e.line === '') {
          this.out('\r\n');
          this.finish(0);
          return;
        }
        e.deleteForward();
        break;
      case 'redraw':
        this.out('\x1b[H\x1b[2J');
        break;
      case 'enter':
        this.submit();
        return;
      case 'ignored':
        return;
    }
    this.render();
  }

  private promptText(): string {
    const left = formatTimeLeft(this.opts.grant.endsAt - this.opts.clock.now());
    return `${this.opts.targetName} [${this.opts.userName}, ${left} left]> `;
  }

  private available(): number {
    return Math.max(8, this.cols - this.promptText().length - 1);
  }

  /** Redraws the prompt line; a line wider than the terminal scrolls horizontally. */
  private render(toStderr = false): void {
    const prompt = this.promptText();
    const { line, cursor } = this.editor;
    const avail = this.available();
    if (line.length <= avail) this.scroll = 0;
    else if (cursor < this.scroll) this.scroll = cursor;
    else if (cursor > this.scroll + avail) this.scroll = cursor - avail;
    const visible = line.slice(this.scroll, this.scroll + avail);
    const back = this.scroll + visible.length - cursor;
    const text = `\r${prompt}${visible}\x1b[K${back > 0 ? `\x1b[${back}D` : ''}`;
    if (toStderr) this.err(text);
    else this.out(text);
  }

  private complete(): void {
    const before = this.editor.line.slice(0, this.editor.cursor);
    const { insert, hints } = completeCommand(this.patterns, before);
    if (insert !== '') {
      this.editor.insert(insert);
    } else if (hints.length > 0) {
      this.out(crlf(`\n${hints.map((h) => `  ${h}`).join('\n')}\n`));
    } else {
      this.out('\x07');
      return;
    }
    this.render();
  }

  private submit(): void {
    const line = this.editor.take();
    this.scroll = 0;
    this.out('\r\n');
    const word = line.trim();
    if (word === '') return this.render();
    if (word === 'help') {
      this.out(crlf(helpText(this.patterns)));
      return this.render();
    }
    if (word === 'exit' || word === 'logout') return this.finish(0);
    this.state = 'checking';
    this.interrupted = false;
    this.run(line)
      .catch((err: unknown) => {
        this.opts.logger.warn({ err }, 'restricted command failed');
        this.out(`${messages.targetUnavailable()}\r\n`);
      })
      .finally(() => this.backToPrompt());
  }

  private async run(line: string): Promise<void> {
    const checked = await this.opts.check(line);
    if (this.isFinished || this.interrupted) return;
    if (!checked.ok) {
      this.out(`${this.opts.deniedLine}\r\n(type help for the allowed commands)\r\n`);
      return;
    }
    this.opts.onCommand?.(checked.argv);
    const channel = await this.opts.link.exec(checked.command, null, {});
    if (this.isFinished || this.interrupted) {
      channel.close();
      return;
    }
    this.running = channel;
    this.state = 'running';
    this.atLineStart = true;
    const result = await this.stream(channel);
    this.running = null;
    if (this.isFinished) return;
    if (!this.atLineStart) this.out('\r\n');
    if (this.interrupted) return;
    if (result.code !== null && result.code !== 0) this.out(`[exit ${result.code}]\r\n`);
    else if (result.signal !== null) this.out(`[signal ${result.signal}]\r\n`);
  }

  /** Streams one command's output until its channel closes (or an interrupt gives up on it). */
  private stream(channel: TargetChannel): Promise<{ code: number | null; signal: string | null }> {
    return new Promise((resolve) => {
      let code: number | null = null;
      let signal: string | null = null;
      let live = true;
      const show = (d: Buffer, toStderr: boolean): void => {
        if (!live || this.interrupted || d.length === 0) return;
        const data = toCrlf(d);
        this.atLineStart = data[data.length - 1] === 0x0a;
        const more = toStderr ? this.err(data) : this.out(data);
        if (!more) (toStderr ? channel.stderr : channel).pause();
      };
      channel.on('data', (d: Buffer) => show(d, false));
      channel.stderr.on('data', (d: Buffer) => show(d, true));
      onChannelExit(channel, (exit) => {
        code = exit.code;
        signal = exit.signal;
      });
      const done = (): void => {
        if (!live) return;
        live = false;
        this.abandon = null;
        resolve({ code, signal });
      };
      this.abandon = done;
      channel.once('close', done);
      // Commands get no input: a program waiting for stdin would otherwise hang the prompt.
      channel.end();
    });
  }

  private interrupt(): void {
    this.queued = [];
    this.interrupted = true;
    this.out('^C\r\n');
    this.atLineStart = true;
    const channel = this.running;
    if (channel === null) return;
    try {
      channel.signal('INT');
    } catch {
      // the channel is already closing
    }
    channel.close();
    const abandon = this.abandon;
    setTimeout(() => abandon?.(), INTERRUPT_GRACE_MS).unref();
  }

  private backToPrompt(): void {
    if (this.isFinished) return;
    this.state = 'editing';
    this.interrupted = false;
    this.render();
    const queued = this.queued;
    this.queued = [];
    this.processKeys(queued);
  }
}
