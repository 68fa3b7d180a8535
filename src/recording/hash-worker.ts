/**
 * A recording's sha256 computed off the relay's thread: the writer hands each batch to one
 * process-wide worker thread once it reached the file, and awaits the digest at seal. Lines cut
 * from the shared slabs (line-slabs.ts, SharedArrayBuffer memory) reach the worker without a
 * copy; the worker says when it has hashed a batch, and only then are its lines handed back for
 * reuse. Other lines (the header, markers) are copied, exactly their bytes. Messages on one port
 * keep their order, so the digest is over exactly the bytes written, in order.
 *
 * The bench's download showed the hash as a fifth of the relay thread's CPU. An earlier worker
 * moved each line's own memory to the worker and cost more than it saved (a fresh buffer per
 * line, freed on another thread); with slabs nothing is allocated or freed per line.
 *
 * When the worker is gone (crashed, stopped), a recording's digest is null and the writer hashes
 * its file instead; the next recording starts a new worker.
 */
import { Worker } from 'node:worker_threads';
import { shareable } from './line-slabs.js';

type HashMessage =
  | { readonly op: 'update'; readonly id: number; readonly parts: readonly Uint8Array[] }
  | { readonly op: 'digest'; readonly id: number };

type WorkerReply =
  | { readonly op: 'hashed' }
  | { readonly op: 'digest'; readonly id: number; readonly sha256: string };

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
    parentPort.postMessage({ op: 'hashed' });
    return;
  }
  hashes.delete(m.id);
  parentPort.postMessage({ op: 'digest', id: m.id, sha256: hash.digest('hex') });
});
`;

/** One recording's running hash in the worker. */
export interface RunningHash {
  /**
   * The bytes of `parts`, in order. `release` runs once they are hashed (or the worker is lost):
   * until then the caller must not change them.
   */
  update(parts: readonly Buffer[], release: () => void): void;
  /** Hex sha256 of everything updated; null when the worker was lost on the way. Once. */
  digest(): Promise<string | null>;
}

export class HashWorker {
  #worker: Worker | null = null;
  #nextId = 1;
  /** Recordings with state in the current worker: lost with it. */
  readonly #open = new Set<number>();
  readonly #waiting = new Map<number, (sha256: string | null) => void>();
  /** Recordings whose hash was in a worker that is gone. */
  readonly #lost = new Set<number>();
  /** One per update sent to the current worker, in order: its replies come in that order. */
  #releases: (() => void)[] = [];

  start(): RunningHash {
    const id = this.#nextId++;
    return {
      update: (parts, release) => this.#update(id, parts, release),
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

  #update(id: number, parts: readonly Buffer[], release: () => void): void {
    if (this.#lost.has(id)) {
      release();
      return;
    }
    const worker = this.#workerFor(id);
    this.#releases.push(release);
    worker.postMessage({ op: 'update', id, parts: parts.map(shareable) } satisfies HashMessage);
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
      w.on('message', (reply: WorkerReply) => this.#reply(w, reply));
      w.on('error', () => this.#lose(w));
      w.on('exit', () => this.#lose(w));
      w.unref();
      this.#worker = worker;
    }
    this.#open.add(id);
    return worker;
  }

  #reply(worker: Worker, reply: WorkerReply): void {
    if (this.#worker !== worker) return;
    if (reply.op === 'hashed') {
      this.#releases.shift()?.();
      return;
    }
    this.#open.delete(reply.id);
    const resolve = this.#waiting.get(reply.id);
    this.#waiting.delete(reply.id);
    if (this.#waiting.size === 0) worker.unref();
    resolve?.(reply.sha256);
  }

  #lose(worker: Worker): void {
    if (this.#worker !== worker) return;
    this.#worker = null;
    // Nothing reads those bytes any more.
    const releases = this.#releases;
    this.#releases = [];
    for (const release of releases) release();
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
