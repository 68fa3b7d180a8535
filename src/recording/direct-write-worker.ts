/**
 * Recording files written around the page cache (O_DIRECT), on one process-wide worker thread.
 *
 * A bulk download's recording is written as fast as the session moves bytes. Through the page
 * cache each of those bytes first takes a fresh page: on the bench's machine the thread pool's
 * writes cost 0.6 ms of CPU per MiB and, waiting for CPU, held the relay back for a third of the
 * transfer (without the write at all the download ran a quarter faster). O_DIRECT writes go
 * from the worker's own aligned buffer straight to the device.
 *
 * O_DIRECT takes only whole blocks from aligned memory at aligned offsets, and a recording grows
 * by whole lines. So each file keeps a carry: the bytes after its last whole block. A write
 * copies carry + new bytes into the aligned buffer, writes the whole blocks with O_DIRECT, and
 * writes what is left (under one block) through the page cache at once, so every byte handed
 * over is in the file before the write resolves, exactly as with a plain write. The next whole
 * block written over it replaces that page.
 *
 * The worker reads the lines where they are (slab memory is shared) and copies them once;
 * the write resolves only after, so the caller may reuse them. A write that fails is reported
 * and the file accepts no more. When the worker is gone (crashed, stopped), writes not yet
 * answered come back as `lost`, and the caller writes them itself.
 */
import { Worker } from 'node:worker_threads';
import { shareable } from './line-slabs.js';

/** O_DIRECT's unit here: 4096 covers devices with 512- and 4096-byte logical blocks. */
const DIRECT_BLOCK = 4096;

type DirectMessage =
  | {
      readonly op: 'open';
      readonly id: number;
      readonly direct: number;
      readonly buffered: number;
    }
  | {
      readonly op: 'write';
      readonly id: number;
      readonly parts: readonly Uint8Array[];
      readonly position: number;
    }
  | { readonly op: 'close'; readonly id: number };

type DirectReply =
  { readonly ok: true } | { readonly ok: false; readonly code: string; readonly message: string };

/** Plain CommonJS run with `eval`, like the hash worker: it needs no module of ours. */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { writeSync } = require('node:fs');
const BLOCK = ${DIRECT_BLOCK};
const STAGE = 1 << 20;
// WebAssembly memory is page-aligned, as O_DIRECT needs.
const stage = Buffer.from(new WebAssembly.Memory({ initial: STAGE / 65536 }).buffer);
const files = new Map();

function writeAll(f, buffer, length, position, direct) {
  let done = 0;
  while (done < length) {
    // After a short O_DIRECT write the rest need not be aligned: the page cache takes it, or
    // says why the device takes no more (ENOSPC).
    const fd = direct && done === 0 ? f.direct : f.buffered;
    const n = writeSync(fd, buffer, done, length - done, position + done);
    if (n <= 0) throw Object.assign(new Error('no bytes written'), { code: 'EIO' });
    done += n;
  }
}

function copyIn(part, at) {
  // fill() is one memcpy; set() from shared memory would go through V8's atomic-safe copy.
  if (part.length > 0) stage.fill(part, at, at + part.length);
}

function append(f, parts, position) {
  if (position !== f.start + f.carried) throw Object.assign(new Error('not an append at ' + position), { code: 'EINVAL' });
  f.carry.copy(stage, 0, 0, f.carried);
  let filled = f.carried;
  let at = f.start;
  for (const part of parts) {
    let from = 0;
    while (from < part.length) {
      const n = Math.min(part.length - from, STAGE - filled);
      copyIn(part.subarray(from, from + n), filled);
      filled += n;
      from += n;
      if (filled === STAGE) {
        writeAll(f, stage, STAGE, at, true);
        at += STAGE;
        filled = 0;
      }
    }
  }
  const whole = filled - (filled % BLOCK);
  if (whole > 0) writeAll(f, stage, whole, at, true);
  const tail = filled - whole;
  stage.copy(f.carry, 0, whole, filled);
  if (tail > 0) writeAll(f, f.carry, tail, at + whole, false);
  f.start = at + whole;
  f.carried = tail;
}

parentPort.on('message', (m) => {
  if (m.op === 'close') {
    files.delete(m.id);
    return;
  }
  try {
    if (m.op === 'open') {
      files.set(m.id, { direct: m.direct, buffered: m.buffered, carry: Buffer.alloc(BLOCK), start: 0, carried: 0, failed: null });
    } else {
      const f = files.get(m.id);
      if (f === undefined) throw Object.assign(new Error('file not open'), { code: 'EBADF' });
      if (f.failed !== null) throw f.failed;
      try {
        append(f, m.parts, m.position);
      } catch (err) {
        f.failed = err;
        throw err;
      }
    }
    parentPort.postMessage({ ok: true });
  } catch (err) {
    parentPort.postMessage({ ok: false, code: String(err.code ?? 'EIO'), message: String(err.message) });
  }
});
`;

export type DirectWriteResult = 'written' | 'lost';

/** One file's appends, in order. */
export interface DirectTarget {
  /** Resolves once every byte of `parts` is in the file at `position` (the file's end so far). */
  write(parts: readonly Buffer[], position: number): Promise<DirectWriteResult>;
  /** No more writes: the worker forgets the file (its descriptors stay the caller's to close). */
  detach(): void;
}

interface Waiting {
  readonly resolve: (result: DirectWriteResult) => void;
  readonly reject: (err: Error) => void;
}

export class DirectWriteWorker {
  #worker: Worker | null = null;
  #nextId = 1;
  /** One per message sent to the current worker, in order: its replies come in that order. */
  #waiting: Waiting[] = [];

  /**
   * Hands the worker a new, empty file: `direct` opened with O_DIRECT, `buffered` without, both
   * for writing it. Resolves once the worker holds it.
   */
  async attach(direct: number, buffered: number): Promise<DirectTarget> {
    const id = this.#nextId++;
    const opened = await this.#send({ op: 'open', id, direct, buffered });
    if (opened === 'lost') throw new Error('the recording write worker stopped');
    const worker = this.#worker;
    return {
      write: (parts, position) =>
        this.#worker !== worker
          ? Promise.resolve('lost')
          : this.#send({ op: 'write', id, parts: parts.map(shareable), position }),
      detach: () => {
        if (this.#worker === worker)
          worker?.postMessage({ op: 'close', id } satisfies DirectMessage);
      },
    };
  }

  /** Ends the worker; writes not yet answered resolve `lost`. */
  async stop(): Promise<void> {
    const worker = this.#worker;
    if (worker !== null) {
      this.#lose(worker);
      await worker.terminate();
    }
  }

  #send(message: DirectMessage): Promise<DirectWriteResult> {
    const worker = this.#started();
    return new Promise((resolve, reject) => {
      this.#waiting.push({ resolve, reject });
      if (this.#waiting.length === 1) worker.ref();
      worker.postMessage(message);
    });
  }

  #started(): Worker {
    if (this.#worker !== null) return this.#worker;
    const worker = new Worker(WORKER_SOURCE, { eval: true, name: 'gatehouse recording writes' });
    worker.on('message', (reply: DirectReply) => this.#reply(worker, reply));
    worker.on('error', () => this.#lose(worker));
    worker.on('exit', () => this.#lose(worker));
    worker.unref();
    this.#worker = worker;
    return worker;
  }

  #reply(worker: Worker, reply: DirectReply): void {
    if (this.#worker !== worker) return;
    const waiting = this.#waiting.shift();
    if (this.#waiting.length === 0) worker.unref();
    if (reply.ok) waiting?.resolve('written');
    else
      waiting?.reject(
        Object.assign(new Error(`${reply.code}: ${reply.message}`), { code: reply.code }),
      );
  }

  #lose(worker: Worker): void {
    if (this.#worker !== worker) return;
    this.#worker = null;
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const w of waiting) w.resolve('lost');
  }
}

/** The process's one recording write worker, started with the first recording. */
export const sharedDirectWriteWorker = new DirectWriteWorker();
