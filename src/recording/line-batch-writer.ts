/**
 * Appends complete lines to a file without ever blocking the caller: lines are queued in memory
 * and written in batches (one writev per batch), at the latest `flushIntervalMs` after they were
 * queued, sooner when the queue passes `flushThresholdBytes`. Two batches may be on their way
 * at once, each to its own offset: the next one is already with the thread pool when the first
 * completes (with one at a time, a bulk download's recording waited on the round trip back to a
 * busy event loop, and the relay on the recording). Tracks sha256, size and event count over
 * exactly the bytes that reached the file, in file order; the hash is computed by the hash worker
 * (hash-worker.ts), each batch handed over once written.
 */
import { createHash } from 'node:crypto';
import { sharedHashWorker, type HashWorker, type RunningHash } from './hash-worker.js';
import type { LineSlabs } from './line-slabs.js';

export interface BatchWriterOptions {
  readonly flushIntervalMs: number;
  readonly flushThresholdBytes: number;
  readonly maxQueueBytes: number;
  /** Called once, on the first failed write; the writer then accepts nothing more. */
  readonly onWriteError: (err: unknown) => void;
  /** Called after each successful batch write and each batch hashed (the backlog has shrunk). */
  readonly onWritten?: () => void;
  /** Where pushed lines were cut from: each is handed back once written and hashed. */
  readonly slabs?: LineSlabs;
  /** Default: the process's shared one. */
  readonly hashWorker?: HashWorker;
}

export interface WriterSeal {
  readonly sha256: string;
  readonly bytes: number;
  readonly events: number;
}

export type PushResult = 'queued' | 'overflow' | 'closed';

/**
 * What the writer needs of the file: positional writes, a truncate after a failure, and reads
 * when the hash worker was lost (the file is hashed instead).
 */
export interface BatchFile {
  writev(buffers: readonly Buffer[], position: number): Promise<{ readonly bytesWritten: number }>;
  truncate(length: number): Promise<void>;
  read(
    buffer: Buffer,
    offset: number,
    length: number,
    position: number,
  ): Promise<{ readonly bytesRead: number }>;
}

/**
 * Read back when the hash worker was lost: the sha256 of the file's first `bytes` bytes, or of
 * as many as could be read (`bytes` says how many) and why the rest could not.
 */
async function hashFile(
  fh: BatchFile,
  bytes: number,
): Promise<{ sha256: string; bytes: number; problem: unknown }> {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(Math.min(1 << 20, Math.max(1, bytes)));
  let at = 0;
  let problem: unknown = null;
  try {
    while (at < bytes) {
      const { bytesRead } = await fh.read(buffer, 0, Math.min(buffer.length, bytes - at), at);
      if (bytesRead === 0) throw new Error(`the file is shorter than the ${bytes} bytes written`);
      hash.update(buffer.subarray(0, bytesRead));
      at += bytesRead;
    }
  } catch (err) {
    problem = err;
  }
  return { sha256: hash.digest('hex'), bytes: at, problem };
}

const MAX_WRITES_IN_FLIGHT = 2;

interface Batch {
  readonly lines: readonly Buffer[];
  readonly bytes: number;
  readonly events: number;
  /** Where in the file it goes. */
  readonly offset: number;
  written: boolean;
}

export class LineBatchWriter {
  readonly #fh: BatchFile;
  readonly #opts: BatchWriterOptions;
  readonly #hash: RunningHash;
  #sealed: Promise<WriterSeal> | null = null;
  #queue: Buffer[] = [];
  #queuedBytes = 0;
  #queuedEvents = 0;
  /** Batches handed to the file system and not yet hashed, in file order. */
  readonly #writing: Batch[] = [];
  readonly #writes = new Set<Promise<void>>();
  #hashingBytes = 0;
  /** The file offset after the last batch handed out. */
  #reserved = 0;
  #timer: NodeJS.Timeout | null = null;
  /** Writes handed out and not yet settled (written or failed). */
  #unsettled = 0;
  #failed = false;
  #error: unknown = null;
  #bytes = 0;
  #events = 0;

  constructor(fh: BatchFile, opts: BatchWriterOptions) {
    this.#fh = fh;
    this.#opts = opts;
    this.#hash = (opts.hashWorker ?? sharedHashWorker).start();
  }

  get failed(): boolean {
    return this.#failed;
  }

  /**
   * Bytes queued, being written or written and not yet hashed (their slab memory is still in use):
   * what a caller applying backpressure watches.
   */
  get backlogBytes(): number {
    let writing = 0;
    for (const batch of this.#writing) writing += batch.bytes;
    return this.#queuedBytes + writing + this.#hashingBytes;
  }

  /**
   * Bytes / events known to be in the file, and the sha256 (hex) over those bytes. After drain(),
   * before the file is closed (a lost hash worker means reading it back); nothing is written after.
   */
  seal(): Promise<WriterSeal> {
    this.#sealed ??= this.#digest();
    return this.#sealed;
  }

  async #digest(): Promise<WriterSeal> {
    const sha256 = await this.#hash.digest();
    if (sha256 !== null) return { sha256, bytes: this.#bytes, events: this.#events };
    const read = await hashFile(this.#fh, this.#bytes);
    if (read.problem !== null && !this.#failed) {
      this.#failed = true;
      this.#opts.onWriteError(read.problem);
    }
    return { sha256: read.sha256, bytes: read.bytes, events: this.#events };
  }

  /**
   * Queues one complete line (`events` is 1 for an event line, 0 for the header).
   * `force` skips the bound (used for the one marker that says why recording stopped).
   */
  push(line: Buffer, events: number, force = false): PushResult {
    if (this.#failed) return 'closed';
    if (!force && this.#queuedBytes + line.length > this.#opts.maxQueueBytes) return 'overflow';
    this.#append(line);
    this.#queuedBytes += line.length;
    this.#queuedEvents += events;
    if (this.#queuedBytes >= this.#opts.flushThresholdBytes) this.#kick();
    else this.#timer ??= setTimeout(() => this.#onTimer(), this.#opts.flushIntervalMs);
    return 'queued';
  }

  /** A line that follows the last queued one in memory (one slab) extends it: one iovec, one hash update. */
  #append(line: Buffer): void {
    const last = this.#queue.length - 1;
    const prev = this.#queue[last];
    if (
      prev !== undefined &&
      prev.buffer === line.buffer &&
      prev.byteOffset + prev.length === line.byteOffset
    ) {
      this.#queue[last] = Buffer.from(prev.buffer, prev.byteOffset, prev.length + line.length);
    } else {
      this.#queue.push(line);
    }
  }

  /** Writes everything queued so far; resolves when the queue is empty and no write is pending. */
  async drain(): Promise<void> {
    this.#clearTimer();
    for (;;) {
      this.#kick();
      if (this.#writes.size === 0) return;
      await Promise.race(this.#writes);
    }
  }

  /** Drops whatever is queued (after a failure nothing more can be written). */
  discard(): void {
    this.#clearTimer();
    for (const line of this.#queue) this.#opts.slabs?.done(line);
    this.#queue = [];
    this.#queuedBytes = 0;
    this.#queuedEvents = 0;
  }

  #onTimer(): void {
    this.#timer = null;
    this.#kick();
  }

  #clearTimer(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #kick(): void {
    if (this.#failed || this.#queue.length === 0) return;
    if (this.#writing.length >= MAX_WRITES_IN_FLIGHT) return;
    this.#clearTimer();
    const batch: Batch = {
      lines: this.#queue,
      bytes: this.#queuedBytes,
      events: this.#queuedEvents,
      offset: this.#reserved,
      written: false,
    };
    this.#queue = [];
    this.#queuedBytes = 0;
    this.#queuedEvents = 0;
    this.#reserved += batch.bytes;
    this.#unsettled += 1;
    this.#writing.push(batch);
    const write: Promise<void> = this.#write(batch).finally(() => {
      this.#writes.delete(write);
      this.#afterWrite();
    });
    this.#writes.add(write);
  }

  #afterWrite(): void {
    if (this.#failed) return;
    this.#opts.onWritten?.();
    // Lines queued while this write was pending: the timer may have fired meanwhile.
    if (this.#queue.length === 0) return;
    if (this.#timer === null || this.#queuedBytes >= this.#opts.flushThresholdBytes) this.#kick();
  }

  /** One writev per batch (no concatenation copy); a short write continues with the rest. */
  async #write(batch: Batch): Promise<void> {
    let done = 0;
    try {
      let rest = batch.lines;
      while (done < batch.bytes) {
        const { bytesWritten } = await this.#fh.writev(rest, batch.offset + done);
        done += bytesWritten;
        if (done < batch.bytes) rest = [Buffer.concat(batch.lines, batch.bytes).subarray(done)];
      }
      batch.written = true;
    } catch (err) {
      if (!this.#failed) {
        this.#failed = true;
        this.#error = err;
        this.discard();
      }
    }
    this.#unsettled -= 1;
    this.#hashInFileOrder();
    // After a failure, the last write to settle reports it: no write can land after the truncate.
    if (this.#failed && this.#unsettled === 0) await this.#giveUp();
  }

  async #giveUp(): Promise<void> {
    // Never leave half a batch (and so possibly half a line) behind, nor a batch written after it.
    await this.#fh.truncate(this.#bytes).catch(() => undefined);
    // Batches after the failed one are never hashed: their lines go back to the slabs.
    for (const batch of this.#writing.splice(0)) {
      for (const line of batch.lines) this.#opts.slabs?.done(line);
    }
    this.#opts.onWriteError(this.#error);
  }

  /** Batches written at the head of the file order are hashed and counted, in that order. */
  #hashInFileOrder(): void {
    while (this.#writing[0]?.written === true) {
      const batch = this.#writing.shift() as Batch;
      const slabs = this.#opts.slabs;
      this.#hashingBytes += batch.bytes;
      this.#hash.update(batch.lines, () => {
        for (const line of batch.lines) slabs?.done(line);
        this.#hashingBytes -= batch.bytes;
        if (!this.#failed) this.#opts.onWritten?.();
      });
      this.#bytes += batch.bytes;
      this.#events += batch.events;
    }
  }
}
