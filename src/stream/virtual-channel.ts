import { Duplex, Readable } from 'node:stream';
import { onChannelExit } from './channel-exit.js';
import type { TargetChannel } from './channels.js';
import { toCrlf } from './crlf.js';

/**
 * A target channel that gatehouse plays itself (the restricted prompt, an exec re-framed for the
 * user's terminal). It is a TargetChannel like a channel to an ssh target: a Duplex (user input is
 * written to it, output is read from it) with a `.stderr` Readable, an `exit` event, `close`
 * once finished, and setWindow / signal / close. The relay, the recorder and live enforcement
 * then treat it exactly like a channel to the target.
 */
export abstract class VirtualChannel extends Duplex implements TargetChannel {
  readonly stderr = new Readable({
    read: () => {
      this.stderrFull = false;
      this.outputRead();
    },
  });
  private finished = false;
  /** A push was refused (the stream is at its high-water mark) and it has not asked for more. */
  private stdoutFull = false;
  private stderrFull = false;
  /** The callback of the write being handled: held while output waits for its reader. */
  private inputWaiting: (() => void) | null = null;

  constructor() {
    super({ allowHalfOpen: true });
    this.on('error', () => undefined);
    this.stderr.on('error', () => undefined);
  }

  /** Handles bytes typed by the user. */
  protected abstract input(data: Buffer): void;
  /** The user sent EOF. */
  protected abstract inputEnded(): void;
  /** Releases what the channel holds (a running exec); called once, on close or destroy. */
  protected abstract release(): void;
  /** Output was read: a paused source may produce again. */
  protected resumeSource(): void {
    // nothing paused by default
  }

  /**
   * Whether the channel still holds input it took: no more is taken (the writer's write()
   * returns false, the relay pauses the user's channel, ssh2 stops opening its window) until
   * output is read and this turns false.
   */
  protected inputHeld(): boolean {
    return false;
  }

  /** Output waits for its reader: a stream is full and has not asked for more since. */
  protected get outputBlocked(): boolean {
    return this.stdoutFull || this.stderrFull;
  }

  onWindowChange(_cols: number, _rows: number): void {
    // ignored by default
  }

  onSignal(_name: string): void {
    // ignored by default
  }

  /** Writes to the user's stdout; false when the reader is behind (pause the source). */
  protected out(data: string | Buffer): boolean {
    if (this.finished || this.destroyed) return true;
    this.stdoutFull = !this.push(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    return !this.stdoutFull;
  }

  protected err(data: string | Buffer): boolean {
    if (this.finished || this.destroyed) return true;
    this.stderrFull = !this.stderr.push(
      typeof data === 'string' ? Buffer.from(data, 'utf8') : data,
    );
    return !this.stderrFull;
  }

  protected get isFinished(): boolean {
    return this.finished || this.destroyed;
  }

  /** Reports the exit status (or signal), ends both outputs, then closes once they are read. */
  protected finish(code: number | null, signal?: string): void {
    if (this.finished) return;
    this.finished = true;
    if (code !== null) this.emit('exit', code);
    else if (signal !== undefined) this.emit('exit', null, signal, false, '');
    this.once('end', () => this.destroy());
    this.push(null);
    this.stderr.push(null);
    this.takeMoreInput();
  }

  // the TargetChannel surface
  setWindow(rows: number, cols: number, _height?: number, _width?: number): void {
    this.onWindowChange(cols, rows);
  }

  signal(name: string): void {
    this.onSignal(name);
  }

  close(): void {
    this.destroy();
  }

  override _read(): void {
    this.stdoutFull = false;
    this.outputRead();
  }

  override _write(
    chunk: Buffer | string,
    _enc: BufferEncoding,
    done: (err?: Error | null) => void,
  ): void {
    if (!this.isFinished)
      this.input(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
    this.inputWaiting = () => done();
    this.takeMoreInput();
  }

  override _final(done: (err?: Error | null) => void): void {
    if (!this.isFinished) this.inputEnded();
    done();
  }

  private outputRead(): void {
    this.resumeSource();
    this.takeMoreInput();
  }

  /** Completes the write being handled once the channel holds none of its input. */
  private takeMoreInput(): void {
    const done = this.inputWaiting;
    if (done === null) return;
    if (!this.isFinished && this.inputHeld()) return;
    this.inputWaiting = null;
    done();
  }

  override _destroy(err: Error | null, done: (err?: Error | null) => void): void {
    this.finished = true;
    this.release();
    if (!this.stderr.destroyed) this.stderr.destroy();
    done(err);
  }
}

/**
 * An exec on the target without a pty, shown in a user's terminal that has one: output gets
 * `\r\n` line ends; stdin, EOF, exit status and signals pass through.
 */
export class CrlfExecChannel extends VirtualChannel {
  private code: number | null = null;
  private exitSignal: string | undefined;

  constructor(private readonly target: TargetChannel) {
    super();
    target.on('data', (d: Buffer) => {
      if (!this.out(toCrlf(d))) target.pause();
    });
    target.stderr.on('data', (d: Buffer) => {
      if (!this.err(toCrlf(d))) target.stderr.pause();
    });
    onChannelExit(target, (exit) => {
      if (exit.code !== null) this.code = exit.code;
      else this.exitSignal = exit.signal ?? undefined;
    });
    target.once('close', () => this.finish(this.code, this.exitSignal));
  }

  protected override resumeSource(): void {
    this.target.resume();
    this.target.stderr.resume();
  }

  protected input(data: Buffer): void {
    this.target.write(data);
  }

  protected inputEnded(): void {
    this.target.end();
  }

  protected release(): void {
    this.target.close();
  }

  override onWindowChange(): void {
    // the target has no pty
  }

  override onSignal(name: string): void {
    try {
      this.target.signal(name);
    } catch {
      // unknown signal name: ignored
    }
  }
}
