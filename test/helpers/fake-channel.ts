/**
 * Fake ssh channels for unit tests of the stream and tty stages, built only from plain Node
 * streams so they fit ssh2's channel types and any smaller channel interface alike:
 *
 * - `FakeSink`: a Writable that records what it accepted. `block()` makes it a slow reader
 *   (write callbacks wait, so write() returns false once `highWaterMark` bytes are pending);
 *   `drain()` lets everything through and Node emits 'drain' as a real channel would.
 * - `FakeSource`: a Readable the test pushes into (`send`, `sendEnd`); counts chunks read.
 * - `FakeUserChannel`: the user's side (ssh2 ServerChannel shape): a Duplex whose readable side
 *   is what the user types and whose writable side is a FakeSink, with a FakeSink `.stderr`,
 *   `exit(status)` / `exit(signal, dump, desc)` recorded, `hangUp()` emitting 'close'.
 * - `FakeTargetChannel`: the target's side (ssh2 ClientChannel shape): a Duplex whose readable
 *   side is the target's stdout and whose writable side records input, with a FakeSource
 *   `.stderr`, `setWindow`, `signal`, `close()`, and `exit` / `close` emitted on request. As in
 *   ssh2, 'close' can come before the output streams are read to their end.
 */
import { Duplex, Readable, Writable } from 'node:stream';

/** Write callbacks held while blocked: the core of a slow reader. */
class Backpressure {
  private blocked = false;
  private pending: (() => void)[] = [];

  accept(done: () => void): void {
    if (this.blocked) this.pending.push(done);
    else done();
  }

  block(): void {
    this.blocked = true;
  }

  drain(): void {
    this.blocked = false;
    for (const done of this.pending.splice(0)) done();
  }
}

export interface SinkOptions {
  /** Bytes pending before write() returns false while blocked (default 16 KiB, Node's). */
  readonly highWaterMark?: number;
}

const asBuffer = (chunk: Buffer | string): Buffer =>
  typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;

/** A write taken once the pressure lets it through: kept (non-empty) and acknowledged. */
function keepChunk(
  pressure: { accept(go: () => void): void },
  chunks: Buffer[],
  chunk: Buffer | string,
  done: () => void,
): void {
  pressure.accept(() => {
    const data = asBuffer(chunk);
    if (data.length > 0) chunks.push(data);
    done();
  });
}

export class FakeSink extends Writable {
  private readonly pressure = new Backpressure();
  readonly chunks: Buffer[] = [];

  constructor(options: SinkOptions = {}) {
    super({ highWaterMark: options.highWaterMark ?? 16_384 });
  }

  /** Everything accepted so far (not what is still pending behind a block). */
  get text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }

  block(): this {
    this.pressure.block();
    return this;
  }

  drain(): void {
    this.pressure.drain();
  }

  override _write(
    chunk: Buffer | string,
    _enc: BufferEncoding,
    done: (err?: Error | null) => void,
  ): void {
    keepChunk(this.pressure, this.chunks, chunk, done);
  }
}

export class FakeSource extends Readable {
  /** Chunks handed to 'data' listeners so far. */
  chunksRead = 0;

  constructor() {
    super({ read: () => undefined });
    this.on('data', () => {
      this.chunksRead += 1;
    });
  }

  send(data: string | Buffer): void {
    this.push(asBuffer(data));
  }

  sendEnd(): void {
    this.push(null);
  }
}

export type ExitCall =
  | ({ readonly status: number } & ExitContext)
  | ({ readonly signal: string; readonly dump: boolean; readonly desc: string } & ExitContext);

/** What the user channel had when exit() was called. */
export interface ExitContext {
  readonly endedBefore: boolean;
  readonly stdoutBefore: string;
  readonly stderrBefore: string;
}

export class FakeUserChannel extends Duplex {
  readonly stderr: FakeSink;
  readonly exits: ExitCall[] = [];
  private readonly pressure = new Backpressure();
  readonly chunks: Buffer[] = [];
  /** Signal names exit() refuses (ssh2 throws on a name it cannot encode). */
  readonly refusedSignals = new Set<string>();

  constructor(options: SinkOptions = {}) {
    super({
      allowHalfOpen: true,
      writableHighWaterMark: options.highWaterMark ?? 16_384,
      read: () => undefined,
    });
    this.stderr = new FakeSink(options);
  }

  /** What reached the user's stdout. */
  get text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }

  /** The user types `data`. */
  type(data: string | Buffer): void {
    this.push(asBuffer(data));
  }

  /** The user sends EOF. */
  sendEof(): void {
    this.push(null);
  }

  /** The user's connection goes away. */
  hangUp(): void {
    this.destroy();
  }

  block(): this {
    this.pressure.block();
    return this;
  }

  drain(): void {
    this.pressure.drain();
  }

  exit(status: number): void;
  exit(signal: string, dump?: boolean, desc?: string): void;
  exit(statusOrSignal: number | string, dump = false, desc = ''): void {
    const seen: ExitContext = {
      endedBefore: this.writableEnded,
      stdoutBefore: this.text,
      stderrBefore: this.stderr.text,
    };
    if (typeof statusOrSignal === 'number') {
      this.exits.push({ status: statusOrSignal, ...seen });
      return;
    }
    if (this.refusedSignals.has(statusOrSignal)) throw new Error(`bad signal ${statusOrSignal}`);
    this.exits.push({ signal: statusOrSignal, dump, desc, ...seen });
  }

  override _write(
    chunk: Buffer | string,
    _enc: BufferEncoding,
    done: (err?: Error | null) => void,
  ): void {
    keepChunk(this.pressure, this.chunks, chunk, done);
  }
}

export interface TargetOptions {
  /** close() is answered with the remote close (EOF on both streams, 'close'); default true. */
  readonly answersClose?: boolean;
  /** Signal names signal() throws on (ssh2 throws on an unknown name). */
  readonly unknownSignals?: readonly string[];
}

export class FakeTargetChannel extends Duplex {
  readonly stderr = new FakeSource();
  /** What the user sent to the target. */
  readonly input: Buffer[] = [];
  inputEnded = false;
  closeCalls = 0;
  readonly windows: (readonly [rows: number, cols: number, height: number, width: number])[] = [];
  readonly signals: string[] = [];
  private remoteClosed = false;

  constructor(private readonly options: TargetOptions = {}) {
    // 'close' only when the test (or close()) says so, as ssh2 does.
    super({ allowHalfOpen: true, emitClose: false, autoDestroy: false, read: () => undefined });
  }

  get inputText(): string {
    return Buffer.concat(this.input).toString('utf8');
  }

  /** The target writes `data` on its stdout. */
  send(data: string | Buffer): void {
    this.push(asBuffer(data));
  }

  sendStderr(data: string | Buffer): void {
    this.stderr.send(data);
  }

  /** The target reports its exit status or signal (ssh2's 'exit' event arguments). */
  exitWith(status: number): void {
    this.emit('exit', status);
  }

  exitBySignal(signal: string, dump = false, desc = ''): void {
    this.emit('exit', null, signal, dump, desc);
  }

  /** The target closes: EOF on both streams, then 'close' at once (before they are read). */
  remoteClose(): void {
    if (this.remoteClosed) return;
    this.remoteClosed = true;
    this.push(null);
    this.stderr.sendEnd();
    this.emit('close');
  }

  /** Exit status, then close: a command that finished. */
  finish(status: number): void {
    this.exitWith(status);
    this.remoteClose();
  }

  setWindow(rows: number, cols: number, height: number, width: number): void {
    this.windows.push([rows, cols, height, width]);
  }

  signal(name: string): void {
    if (this.options.unknownSignals?.includes(name) === true)
      throw new Error(`unknown signal ${name}`);
    this.signals.push(name);
  }

  close(): void {
    this.closeCalls += 1;
    if (this.options.answersClose !== false) process.nextTick(() => this.remoteClose());
  }

  override _write(
    chunk: Buffer | string,
    _enc: BufferEncoding,
    done: (err?: Error | null) => void,
  ): void {
    this.input.push(asBuffer(chunk));
    done();
  }

  override _final(done: (err?: Error | null) => void): void {
    this.inputEnded = true;
    done();
  }
}

/** Lets pending stream events, ticks and promise callbacks run (a few macrotask turns). */
export async function settle(turns = 3): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((res) => setImmediate(res));
}

/** Follows `p`: `settled` turns true once it resolves or rejects (check after `settle()`). */
export function watch(p: Promise<unknown>): { readonly settled: boolean } {
  const state = { settled: false };
  p.then(
    () => (state.settled = true),
    () => (state.settled = true),
  );
  return state;
}
