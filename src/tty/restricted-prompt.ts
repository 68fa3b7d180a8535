/**
 * The restricted prompt (DESIGN.md §5): what a user with a `commands` grant gets from
 * `ssh -t user+target@bastion`. gatehouse plays the target's shell itself: a line editor with
 * history and tab completion; each line is checked and audited exactly like an exec, and an
 * allowed one runs as its own exec channel on the target (no pty, no env, stdin closed), its
 * output streamed to the user's terminal. Relayed like a shell, so recording and live
 * enforcement apply unchanged.
 */
import type { Clock } from '../core/clock.js';
import { parsePattern, type CommandPattern } from '../core/command-policy.js';
import type { Grant } from '../core/model.js';
import type { Logger } from '../logging/logger.js';
import { completeCommand } from './command-completion.js';
import { LineEditor, nextKey, type Key } from './line-editor.js';
import { messages } from '../core/user-messages.js';
import { PromptCommand } from './prompt-command.js';
import { helpText } from './prompt-help.js';
import { PromptLine } from './prompt-line.js';
import type { TargetLink } from '../targets/target-link.js';
import { VirtualChannel } from '../stream/virtual-channel.js';

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
const TYPEAHEAD_LIMIT = 4096;

type State = 'editing' | 'checking' | 'running';

export class RestrictedPrompt extends VirtualChannel {
  private readonly editor = new LineEditor();
  private readonly promptLine: PromptLine;
  private readonly patterns: readonly CommandPattern[];
  private state: State = 'editing';
  /**
   * Input taken but not handled yet, from `typedAt` on (latin1, decoded a key at a time): a key
   * may draw a whole line, so keys wait while the user's terminal does not read.
   */
  private typed = '';
  private typedAt = 0;
  /** Keys typed while a command ran, handled before `typed` once the prompt is back. */
  private typedAhead: Key[] = [];
  private queued: Key[] = [];
  private running: PromptCommand | null = null;
  private interrupted = false;

  constructor(private readonly opts: RestrictedPromptOptions) {
    super();
    this.promptLine = new PromptLine({
      targetName: opts.targetName,
      userName: opts.userName,
      endsAt: opts.grant.endsAt,
      clock: opts.clock,
      cols: opts.cols,
    });
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
    this.promptLine.resize(cols);
  }

  override onSignal(name: string): void {
    this.running?.signal(name);
  }

  protected input(data: Buffer): void {
    this.typed = this.typed.slice(this.typedAt) + data.toString('latin1');
    this.typedAt = 0;
    this.handleTyped();
  }

  /** A cut-off escape sequence at the end is not held: it waits for the next input. */
  protected override inputHeld(): boolean {
    return (
      this.outputBlocked || this.typedAhead.length > 0 || nextKey(this.typed, this.typedAt) !== null
    );
  }

  protected inputEnded(): void {
    this.running?.close();
    this.finish(0);
  }

  protected release(): void {
    this.running?.close();
    this.running?.abandon();
    this.running = null;
  }

  protected override resumeSource(): void {
    this.handleTyped();
    this.running?.resume();
  }

  /** Handles the keys taken, in order, while the user's terminal keeps up with what they draw. */
  private handleTyped(): void {
    while (!this.isFinished && !this.outputBlocked) {
      const ahead = this.typedAhead.shift();
      if (ahead !== undefined) {
        this.handleKey(ahead);
        continue;
      }
      const next = nextKey(this.typed, this.typedAt);
      if (next === null) break;
      this.typedAt = next.next;
      this.handleKey(next.key);
    }
  }

  private handleKey(key: Key): void {
    if (this.state === 'editing') this.editKey(key);
    else if (key.kind === 'interrupt') this.interrupt();
    else if (this.queued.length < TYPEAHEAD_LIMIT) this.queued.push(key);
  }

  private editKey(key: Key): void {
    const e = this.editor;
    const { line, cursor } = e;
    if (e.edit(key)) {
      if (e.line !== line) return this.render();
      const move = this.promptLine.moveCursor(line, cursor, e.cursor);
      if (move !== '') this.out(move);
      return;
    }
    switch (key.kind) {
      case 'char':
        if (this.promptLine.canEcho(e.line, e.cursor)) {
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
        this.promptLine.reset();
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

  private render(toStderr = false): void {
    const text = this.promptLine.render(this.editor.line, this.editor.cursor);
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
    this.promptLine.reset();
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
    const command = new PromptCommand(channel, {
      out: (data) => this.out(data),
      err: (data) => this.err(data),
    });
    this.running = command;
    this.state = 'running';
    const result = await command.exit;
    this.running = null;
    if (this.isFinished) return;
    if (!command.endsLine) this.out('\r\n');
    if (this.interrupted) return;
    if (result.code !== null && result.code !== 0) this.out(`[exit ${result.code}]\r\n`);
    else if (result.signal !== null) this.out(`[signal ${result.signal}]\r\n`);
  }

  private interrupt(): void {
    this.queued = [];
    this.interrupted = true;
    this.out('^C\r\n');
    this.running?.interrupt();
  }

  private backToPrompt(): void {
    if (this.isFinished) return;
    this.state = 'editing';
    this.interrupted = false;
    this.render();
    this.typedAhead = this.queued;
    this.queued = [];
    this.handleTyped();
  }
}
