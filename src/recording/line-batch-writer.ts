/**
 * Appends complete lines to a file without ever blocking the caller: lines are queued in memory
 * and written in batches (one writev per batch, one write outstanding at a time), at the latest
 * `flushIntervalMs` after they were queued, sooner when the queue passes `flushThresholdBytes`.
 * Tracks sha256, size and event count over exactly the bytes that reached the file.
 */
import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';

export interface BatchWriterOptions {
  readonly flushIntervalMs: number;
  readonly flushThresholdBytes: number;
  readonly maxQueueBytes: number;
  /** Called once, on the first failed write; the writer then accepts nothing more. */
  readonly onWriteError: (err: unknown) => void;
  /** Called after each successful batch write (the backlog has shrunk). */
  readonly onWritten?: () => void;
}

export type PushResult = 'queued' | 'overflow' | 'closed';

export class LineBatchWriter {
  readonly #fh: FileHandle;
  readonly #opts: BatchWriterOptions;
  readonly #hash = createHash('sha256');
  #queue: Buffer[] = [];
  #queuedBytes = 0;
  #queuedEvents = 0;
  #inFlightBytes = 0;
  #inFlight: Promise<void> | null = null;
  #timer: NodeJS.Timeout | null = null;
  #failed = false;
  #bytes = 0;
  #events = 0;

  constructor(fh: FileHandle, opts: BatchWriterOptions) {
    this.#fh = fh;
    this.#opts = opts;
  }

  get failed(): boolean {
    return this.#failed;
  }

  /** Bytes queued or being written: what a caller applying backpressure watches. */
  get backlogBytes(): number {
    return this.#queuedBytes + this.#inFlightBytes;
  }

  /** Bytes / events known to be in the file, and the sha256 (hex) over those bytes. */
  seal(): { readonly sha256: string; readonly bytes: number; readonly events: number } {
    return { sha256: this.#hash.copy().digest('hex'), bytes: this.#bytes, events: this.#events };
  }

  /**
   * Queues one complete line (`events` is 1 for an event line, 0 for the header).
   * `force` skips the bound (used for the one marker that says why recording stopped).
   */
  push(line: Buffer, events: number, force = false): PushResult {
    if (this.#failed) return 'closed';
    if (!force && this.#queuedBytes + line.length > this.#opts.maxQueueBytes) return 'overflow';
    this.#queue.push(line);
    this.#queuedBytes += line.length;
    this.#queuedEvents += events;
    if (this.#queuedBytes >= this.#opts.flushThresholdBytes) this.#kick();
    else this.#timer ??= setTimeout(() => this.#onTimer(), this.#opts.flushIntervalMs);
    return 'queued';
  }

  /** Writes everything queued so far; resolves when the queue is empty and no write is pending. */
  async drain(): Promise<void> {
    this.#clearTimer();
    while (!this.#failed && (this.#inFlight !== null || this.#queue.length > 0)) {
      if (this.#inFlight === null) this.#kick();
      await this.#inFlight;
    }
  }

  /** Drops whatever is queued (after a failure nothing more can be written). */
  discard(): void {
    this.#clearTimer();
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
    if (this.#inFlight !== null || this.#failed || this.#queue.length === 0) return;
    this.#clearTimer();
    const batch = this.#queue;
    const bytes = this.#queuedBytes;
    const events = this.#queuedEvents;
    this.#queue = [];
    this.#queuedBytes = 0;
    this.#queuedEvents = 0;
    this.#inFlightBytes = bytes;
    this.#inFlight = this.#write(batch, bytes, events).finally(() => {
      this.#inFlight = null;
      this.#inFlightBytes = 0;
      if (!this.#failed) this.#opts.onWritten?.();
      // Lines queued while this write was pending: the timer may have fired meanwhile.
      if (this.#queue.length === 0 || this.#failed) return;
      if (this.#timer === null || this.#queuedBytes >= this.#opts.flushThresholdBytes) this.#kick();
    });
  }

  /** One writev per batch (no concatenation copy); a short write continues with the rest. */
  async #write(batch: Buffer[], bytes: number, events: number): Promise<void> {
    let offset = 0;
    try {
      let rest: Buffer[] = batch;
      while (offset < bytes) {
        const { bytesWritten } = await this.#fh.writev(rest, this.#bytes + offset);
        offset += bytesWritten;
        if (offset < bytes) rest = [Buffer.concat(batch, bytes).subarray(offset)];
      }
    } catch (err) {
      this.#failed = true;
      this.discard();
      // Never leave half a batch (and so possibly half a line) behind.
      if (offset > 0) await this.#fh.truncate(this.#bytes).catch(() => undefined);
      this.#opts.onWriteError(err);
      return;
    }
    for (const line of batch) this.#hash.update(line);
    this.#bytes += bytes;
    this.#events += events;
  }
}
