import type { UserChannel } from '../stream/channels.js';
import type { OutputStream, RelayTap } from '../stream/relay.js';
import { toCrlf } from '../stream/crlf.js';
import type { SessionTap } from './ports.js';
import { StdinTally } from './stdin-digest.js';

/**
 * The one door into a session's recording for what the user's terminal gets: the relay's bytes
 * (as it hands them to the user) and gatehouse's own lines. Those are written to the user and
 * recorded as marker events, never as output, so nothing the user's programs print can pass for
 * them in a review. Without a pty the client shows output in its own cooked terminal, where a
 * bare LF starts a new line at column 0: the recording gets CR LF there, as the user saw it (the
 * bytes to the user are unchanged), and stdin (an upload) is counted and hashed for the session
 * row and `session.end`. Without a recording (best_effort after a failed open) everything passes
 * unrecorded.
 */
export class SessionOutput implements RelayTap {
  readonly #recorded: (data: Buffer) => Buffer;
  /** Without a pty only: under one, input is keystrokes. */
  readonly stdin: StdinTally | null;

  constructor(
    private readonly user: UserChannel,
    private readonly tap: SessionTap | null,
    /** `\r\n` under a pty, `\n` without. */
    private readonly eol: string,
  ) {
    const pty = eol === '\r\n';
    this.#recorded = pty ? (data) => data : toCrlf;
    this.stdin = pty ? null : new StdinTally();
  }

  output(data: Buffer, stream: OutputStream): boolean {
    return this.tap === null ? true : this.tap.output(this.#recorded(data), stream);
  }

  input(data: Buffer): boolean {
    this.stdin?.add(data);
    return this.tap === null ? true : this.tap.input(data);
  }

  onDrain(listener: () => void): void {
    this.tap?.onDrain(listener);
  }

  /** A line of gatehouse's own (banner, warning) on the user's stderr. */
  say(line: string): void {
    this.write(line, `${line}${this.eol}`);
  }

  /** The last line of a session gatehouse ends: on a line of its own under a pty. */
  sayClosing(line: string): void {
    this.write(line, this.eol === '\r\n' ? `\r\n${line}\r\n` : `${line}\n`);
  }

  private write(line: string, text: string): void {
    this.user.stderr.write(Buffer.from(text, 'utf8'));
    this.tap?.marker(line);
  }
}
