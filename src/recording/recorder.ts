/**
 * The session recorder: one asciicast v2 file per session channel, written as it happens.
 * Never throws into the relay and never blocks it: events are queued and written in batches.
 */
import { mkdir, open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { GatehouseError } from '../core/errors.js';
import type { CastEventKind } from './asciicast-encoder.js';
import { CastStreamEncoder, encodeEvent, encodeHeader, resizeData } from './asciicast-encoder.js';
import { recordingFile, type RecordingFile } from './direct-file.js';
import { LineBatchWriter } from './line-batch-writer.js';
import { recordingLineSlabs } from './line-slabs.js';
import { recordingRelativePath } from './recording-path.js';
import type {
  OpenRecordingOptions,
  OutputStream,
  RecordingFailure,
  RecordingSeal,
  SessionRecorder,
} from './session-recorder.js';

export type {
  OpenRecordingOptions,
  OutputStream,
  RecordingFailure,
  RecordingMode,
  RecordingSeal,
  SessionRecorder,
} from './session-recorder.js';

const take = (size: number): Buffer => recordingLineSlabs.take(size);
const errorOf = (e: unknown): Error => (e instanceof Error ? e : new Error(String(e)));
const validSize = (n: number): boolean => Number.isInteger(n) && n > 0 && n <= 65535;

/**
 * Creates `dir/YYYY/MM/DD/<uuid>.cast` (mode 0600 in 0700 folders, never overwriting) and writes the header
 * before resolving. Rejects with GatehouseError('storage') when the file cannot be created or
 * written, and ('invalid') for a bad session id or size: in strict mode the caller refuses the
 * session.
 */
export async function openRecording(options: OpenRecordingOptions): Promise<SessionRecorder> {
  if (!validSize(options.width) || !validSize(options.height)) {
    throw new GatehouseError(
      'invalid',
      'recording: width and height must be integers between 1 and 65535',
    );
  }
  const relativePath = recordingRelativePath(options.sessionId, options.startedAt);
  const path = join(options.dir, ...relativePath.split('/'));
  let fh: FileHandle;
  try {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    fh = await open(path, 'wx', 0o600);
  } catch (err) {
    throw new GatehouseError('storage', `recording: cannot create ${path}: ${codeOf(err)}`, {
      cause: err,
    });
  }
  const recorder = new FileSessionRecorder(
    fh,
    await recordingFile(path, fh),
    path,
    relativePath,
    options,
  );
  await recorder.start();
  return recorder;
}

function codeOf(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : errorOf(err).message;
}

class FileSessionRecorder implements SessionRecorder {
  readonly path: string;
  readonly relativePath: string;
  readonly #fh: FileHandle;
  readonly #file: RecordingFile;
  readonly #opts: OpenRecordingOptions;
  readonly #writer: LineBatchWriter;
  readonly #encoders = {
    stdout: new CastStreamEncoder('o', take),
    stderr: new CastStreamEncoder('o', take),
    input: new CastStreamEncoder('i', take),
  };
  readonly #listeners: ((f: RecordingFailure) => void)[] = [];
  readonly #drainListeners: (() => void)[] = [];
  readonly #maxQueueBytes: number;
  #backedUp = false;
  #failure: RecordingFailure | null = null;
  #closing: Promise<RecordingSeal> | null = null;
  #lastTime = 0;
  /** The last line written was a marker (see #close). */
  #markerLast = false;
  /** Bytes handed to the writer (header included): what `maxBytes` bounds. */
  #pushedBytes = 0;

  constructor(
    fh: FileHandle,
    file: RecordingFile,
    path: string,
    relativePath: string,
    opts: OpenRecordingOptions,
  ) {
    this.#fh = fh;
    this.#file = file;
    this.path = path;
    this.relativePath = relativePath;
    this.#opts = opts;
    if (opts.onFailure) this.#listeners.push(opts.onFailure);
    this.#maxQueueBytes = opts.maxQueueBytes ?? 8 * 1024 * 1024;
    this.#writer = new LineBatchWriter(file.file, {
      flushIntervalMs: opts.flushIntervalMs ?? 250,
      flushThresholdBytes: opts.flushThresholdBytes ?? 256 * 1024,
      maxQueueBytes: this.#maxQueueBytes,
      onWriteError: (err) => this.#fail('write', err),
      onWritten: () => this.#maybeDrained(),
      slabs: recordingLineSlabs,
    });
  }

  async start(): Promise<void> {
    const o = this.#opts;
    const header = encodeHeader({
      width: o.width,
      height: o.height,
      startedAt: o.startedAt,
      title: o.title,
      ...(o.term !== undefined ? { term: o.term } : {}),
      ...(o.shell !== undefined ? { shell: o.shell } : {}),
    });
    this.#pushedBytes += Buffer.byteLength(header);
    this.#writer.push(Buffer.from(header, 'utf8'), 0, true);
    await this.#writer.drain();
    if (this.#failure) {
      await this.#file.close().catch(() => undefined);
      await this.#fh.close().catch(() => undefined);
      throw new GatehouseError(
        'storage',
        `recording: cannot write ${this.path}: ${this.#failure.error.message}`,
        {
          cause: this.#failure.error,
        },
      );
    }
  }

  get failed(): boolean {
    return this.#failure !== null;
  }

  on(
    event: 'failure' | 'drain',
    listener: ((failure: RecordingFailure) => void) | (() => void),
  ): void {
    if (event === 'drain') this.#drainListeners.push(listener as () => void);
    else this.#listeners.push(listener);
  }

  output(data: Buffer, stream: OutputStream = 'stdout'): boolean {
    if (!this.#accepting()) return true;
    this.#push(this.#encoders[stream].line(this.#now(), data));
    return this.#pressure();
  }

  input(data: Buffer): boolean {
    if (!this.#opts.captureInput || !this.#accepting()) return true;
    this.#push(this.#encoders.input.line(this.#now(), data));
    return this.#pressure();
  }

  /** True while the relay may keep sending; a failed or closed recorder never holds it back. */
  #pressure(): boolean {
    if (this.#failure !== null || this.#writer.backlogBytes < this.#maxQueueBytes / 2) return true;
    this.#backedUp = true;
    return false;
  }

  #maybeDrained(): void {
    if (this.#writer.backlogBytes < this.#maxQueueBytes / 4) this.#releaseDrain();
  }

  /** Also on failure and close: a relay paused for the recorder must never stay paused. */
  #releaseDrain(): void {
    if (!this.#backedUp) return;
    this.#backedUp = false;
    for (const listener of this.#drainListeners) {
      try {
        listener();
      } catch {
        // A listener's fault must not reach the writer.
      }
    }
  }

  resize(cols: number, rows: number): void {
    if (!validSize(cols) || !validSize(rows) || !this.#accepting()) return;
    this.#event('r', resizeData(cols, rows));
  }

  marker(label: string): void {
    if (!this.#accepting()) return;
    this.#event('m', label);
    this.#markerLast = true;
  }

  close(): Promise<RecordingSeal> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  #accepting(): boolean {
    return this.#failure === null && this.#closing === null;
  }

  #now(): number {
    // Never let a clock step backwards produce decreasing times.
    const t = Math.max(this.#lastTime, (this.#opts.clock.now() - this.#opts.startedAt) / 1000);
    this.#lastTime = t;
    return t;
  }

  #event(kind: CastEventKind, data: string): void {
    if (data === '' && (kind === 'o' || kind === 'i')) return;
    this.#push(Buffer.from(encodeEvent(this.#now(), kind, data), 'utf8'));
  }

  #push(line: Buffer | null): void {
    if (line === null) return;
    this.#markerLast = false;
    const maxBytes = this.#opts.maxBytes ?? null;
    if (maxBytes !== null && this.#pushedBytes + line.length > maxBytes) {
      this.#stop(
        'limit',
        `size limit of ${maxBytes} bytes reached`,
        `recording size limit of ${maxBytes} bytes reached`,
      );
      return;
    }
    this.#pushedBytes += line.length;
    if (this.#writer.push(line, 1) === 'overflow')
      this.#stop(
        'overflow',
        'writer could not keep up',
        'recording queue overflow: the file system could not keep up',
      );
  }

  /** The file's last line, a marker saying why it stops (past the bounds), then the failure. */
  #stop(reason: 'limit' | 'overflow', why: string, problem: string): void {
    const stop = encodeEvent(this.#now(), 'm', `gatehouse: recording stopped: ${why}`);
    this.#writer.push(Buffer.from(stop, 'utf8'), 1, true);
    this.#fail(reason, new Error(problem));
  }

  #fail(reason: RecordingFailure['reason'], err: unknown): void {
    if (this.#failure) return;
    const failure: RecordingFailure = { reason, mode: this.#opts.mode, error: errorOf(err) };
    this.#failure = failure;
    for (const listener of this.#listeners) {
      try {
        listener(failure);
      } catch {
        // A listener's fault must not reach the relay.
      }
    }
    this.#releaseDrain();
  }

  async #close(): Promise<RecordingSeal> {
    this.#releaseDrain();
    if (this.#failure === null) {
      // A character cut off by the end of the session becomes U+FFFD, not nothing.
      this.#event('o', this.#encoders.stdout.end() + this.#encoders.stderr.end());
      if (this.#opts.captureInput) this.#event('i', this.#encoders.input.end());
      // asciinema-player shows only markers before the last event: a session that ends on a
      // notice (killed, expired) gets an empty output event just after it.
      if (this.#markerLast) {
        this.#lastTime = Math.max(this.#now(), this.#lastTime + 0.001);
        this.#push(Buffer.from(encodeEvent(this.#lastTime, 'o', ''), 'utf8'));
      }
    }
    await this.#writer.drain();
    try {
      if (!this.#writer.failed) await this.#fh.sync();
    } catch (err) {
      this.#fail('write', err);
    }
    const written = await this.#writer.seal();
    await this.#file.close().catch((err: unknown) => this.#fail('write', err));
    await this.#fh.close().catch((err: unknown) => this.#fail('write', err));
    return { path: this.path, relativePath: this.relativePath, ...written };
  }
}
