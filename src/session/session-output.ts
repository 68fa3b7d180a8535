import type { UserChannel } from '../stream/channels.js';
import type { OutputStream, RelayTap } from '../stream/relay.js';
import type { SessionTap } from './ports.js';

/**
 * The one door into a session's recording for what the user's terminal gets: the relay's bytes
 * (as it hands them to the user) and gatehouse's own lines (written here, then recorded as shown).
 * Without a recording (best_effort after a failed open) everything passes unrecorded.
 */
export class SessionOutput implements RelayTap {
  constructor(
    private readonly user: UserChannel,
    private readonly tap: SessionTap | null,
    /** `\r\n` under a pty, `\n` without. */
    private readonly eol: string,
  ) {}

  output(data: Buffer, stream: OutputStream): boolean {
    return this.tap === null ? true : this.tap.output(data, stream);
  }

  input(data: Buffer): boolean {
    return this.tap === null ? true : this.tap.input(data);
  }

  onDrain(listener: () => void): void {
    this.tap?.onDrain(listener);
  }

  /** A line of gatehouse's own (banner, warning) on the user's stderr. */
  say(line: string): void {
    this.write(`${line}${this.eol}`);
  }

  /** The last line of a session gatehouse ends: on a line of its own under a pty. */
  sayClosing(line: string): void {
    this.write(this.eol === '\r\n' ? `\r\n${line}\r\n` : `${line}\n`);
  }

  private write(text: string): void {
    const data = Buffer.from(text, 'utf8');
    this.user.stderr.write(data);
    this.tap?.output(data, 'stderr');
  }
}
