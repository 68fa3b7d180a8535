/**
 * A recording's sha256 computed off the relay's thread: the writer hands each batch to one
 * process-wide worker thread after the batch reached the file, and awaits the digest at seal.
 * Buffers that own their whole memory are transferred (moved, not copied); pooled ones (small
 * lines share an 8 KiB pool that cannot be transferred) are copied together into one. Messages
 * on one port keep their order, so the digest is over exactly the bytes written, in order.
 * When the worker is gone (crashed, stopped), a recording's digest is null and the writer
 * hashes its file instead; the next recording starts a new worker.
 */
import { Worker } from 'node:worker_threads';

type HashMessage =
  | { readonly op: 'update'; readonly id: number; readonly parts: readonly Uint8Array[] }
  | { readonly op: 'digest'; readonly id: number };

interface DigestReply {
  readonly id: number;
  readonly sha256: string;
}

/** Plain CommonJS run with `eval`: the worker needs no module of ours (and so no build step). */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const hashes = new Map();
parentPort.on('message', (m) => {
  let hash = hashes.get(m.id);
  if (hash === undefined) {
    hash = createHash('sha256');
    hashes.set(m.id, hash);
  }
  if (m.op === 'update') {
    for (const part of m.parts) hash.update(part);
    return;
  }
  hashes.delete(m.id);
  parentPort.postMessage({ id: m.id, sha256: hash.digest('hex') });
});
`;

/** One recording's running hash in the worker. */
export interface RunningHash {
  /** The bytes of `parts`, in order; the caller never touches them again (they may be moved). */
  update(parts: readonly Buffer[]): void;
  /** Hex sha256 of everything updated; null when the worker was lost on the way. Once. */
  digest(): Promise<string | null>;
}

const ownsItsMemory = (b: Buffer): boolean =>
  b.byteOffset === 0 && b.byteLength === b.buffer.byteLength;

/** `parts` as views to send: whole buffers as they are, runs of pooled ones copied into one. */
function transferable(parts: readonly Buffer[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let run: Buffer[] = [];
  const flushRun = (): void => {
    if (run.length === 0) return;
    const bytes = run.reduce((n, b) => n + b.length, 0);
    const copy = Buffer.allocUnsafeSlow(bytes);
    let at = 0;
    for (const b of run) at += b.copy(copy, at);
    out.push(copy);
    run = [];
  };
  for (const part of parts) {
    if (part.length === 0) continue;
    if (ownsItsMemory(part)) {
      flushRun();
      out.push(part);
    } else run.push(part);
  }
  flushRun();
  return out;
}

export class HashWorker {
  #worker: Worker | null = null;
  #nextId = 1;
  /** Recordings with state in the current worker: lost with it. */
  readonly #open = new Set<number>();
  readonly #waiting = new Map<number, (sha256: string | null) => void>();
  /** Recordings whose hash was in a worker that is gone. */
  readonly #lost = new Set<number>();

  start(): RunningHash {
    const id = this.#nextId++;
    return {
      update: (parts) => this.#update(id, parts),
      digest: () => this.#digest(id),
    };
  }

  /** Ends the worker; open recordings then fall back to hashing their files. */
  async stop(): Promise<void> {
    const worker = this.#worker;
    if (worker !== null) {
      this.#lose(worker);
      await worker.terminate();
    }
  }

  #update(id: number, parts: readonly Buffer[]): void {
    if (this.#lost.has(id)) return;
    const worker = this.#workerFor(id);
    const views = transferable(parts);
    if (views.length === 0) return;
    const message: HashMessage = { op: 'update', id, parts: views };
    try {
      worker.postMessage(
        message,
        views.map((v) => v.buffer as ArrayBuffer),
      );
    } catch {
      // A buffer whose memory cannot be moved (made outside the JS heap): copied instead.
      worker.postMessage(message);
    }
  }

  #digest(id: number): Promise<string | null> {
    if (this.#lost.delete(id)) return Promise.resolve(null);
    const worker = this.#workerFor(id);
    return new Promise((resolve) => {
      this.#waiting.set(id, resolve);
      worker.ref(); // a seal in progress keeps the process alive until its digest
      worker.postMessage({ op: 'digest', id } satisfies HashMessage);
    });
  }

  #workerFor(id: number): Worker {
    let worker = this.#worker;
    if (worker === null) {
      worker = new Worker(WORKER_SOURCE, { eval: true, name: 'gatehouse recording hash' });
      const w = worker;
      w.on('message', (reply: DigestReply) => this.#settle(w, reply));
      w.on('error', () => this.#lose(w));
      w.on('exit', () => this.#lose(w));
      w.unref();
      this.#worker = worker;
    }
    this.#open.add(id);
    return worker;
  }

  #settle(worker: Worker, reply: DigestReply): void {
    this.#open.delete(reply.id);
    const resolve = this.#waiting.get(reply.id);
    this.#waiting.delete(reply.id);
    if (this.#waiting.size === 0) worker.unref();
    resolve?.(reply.sha256);
  }

  #lose(worker: Worker): void {
    if (this.#worker !== worker) return;
    this.#worker = null;
    for (const id of this.#open) {
      const resolve = this.#waiting.get(id);
      if (resolve === undefined) this.#lost.add(id);
      else resolve(null);
    }
    this.#open.clear();
    this.#waiting.clear();
  }
}

/** The process's one hash worker, started with the first recording. */
export const sharedHashWorker = new HashWorker();
