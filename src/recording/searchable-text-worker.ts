/**
 * A recording's searchable text (searchable-text.ts) made on a worker thread, so that indexing
 * a long recording after its seal never takes the relay's thread from live sessions. One worker
 * for the process, started with the first recording and then kept (idle, it never holds the
 * process open); one recording at a time, at most MAX_WAITING waiting. A worker that dies fails
 * the recording it held (it stays unindexed: serve indexes those at its next start), serve goes
 * on, and the recordings waiting go to a new worker.
 */
import { Worker } from 'node:worker_threads';
import { errorMessage } from '../core/errors.js';
import type { IndexedText } from '../core/recording-search.js';

export interface TextRequest {
  readonly id: number;
  readonly path: string;
}

/** `problem`: the recording could not be read (the worker itself is fine). */
export type TextReply =
  | { readonly id: number; readonly text: IndexedText }
  | { readonly id: number; readonly problem: string };

export type TextResult =
  | { readonly ok: true; readonly text: IndexedText }
  | { readonly ok: false; readonly problem: string };

/** Recordings waiting for the worker, beyond which textOf refuses at once. */
export const MAX_WAITING = 64;

interface Job {
  readonly request: TextRequest;
  readonly resolve: (result: TextResult) => void;
  readonly reject: (err: Error) => void;
}

/**
 * The built thread file: next to this module in dist/, or dist/'s copy when this module runs
 * from the TypeScript sources (the integration tests, whose global setup builds dist/ first).
 */
function threadFile(): URL {
  const here = import.meta.url;
  return here.endsWith('.ts')
    ? new URL('../../dist/recording/searchable-text-thread.js', here)
    : new URL('./searchable-text-thread.js', here);
}

export class SearchableTextWorker {
  readonly #file: URL;
  #worker: Worker | null = null;
  #current: Job | null = null;
  readonly #waiting: Job[] = [];
  #nextId = 1;

  constructor(file: URL = threadFile()) {
    this.#file = file;
  }

  /**
   * The searchable text of the recording at `path`, or why it could not be read. Rejects when the
   * worker is lost or too many recordings wait: the caller leaves the recording unindexed.
   */
  textOf(path: string): Promise<TextResult> {
    if (this.#waiting.length >= MAX_WAITING)
      return Promise.reject(
        new Error(`${MAX_WAITING} recordings already wait for the search text worker`),
      );
    return new Promise((resolve, reject) => {
      this.#waiting.push({ request: { id: this.#nextId++, path }, resolve, reject });
      this.#next();
    });
  }

  /** Ends the worker; the recording it held and those waiting fail. */
  async stop(): Promise<void> {
    const worker = this.#worker;
    if (worker === null) return;
    const err = new Error('the search text worker was stopped');
    for (const job of this.#waiting.splice(0)) job.reject(err);
    this.#lose(worker, err);
    await worker.terminate();
  }

  #next(): void {
    if (this.#current !== null) return;
    const job = this.#waiting.shift();
    if (job === undefined) {
      this.#worker?.unref(); // idle: never what keeps the process alive
      return;
    }
    let worker: Worker;
    try {
      worker = this.#running();
    } catch (err) {
      job.reject(new Error(`recording not indexed: ${errorMessage(err)}`));
      this.#next();
      return;
    }
    this.#current = job;
    worker.ref();
    worker.postMessage(job.request);
  }

  #running(): Worker {
    if (this.#worker !== null) return this.#worker;
    const worker = new Worker(this.#file, { name: 'gatehouse search text' });
    worker.on('message', (reply: TextReply) => this.#settle(reply));
    worker.on('error', (err) => this.#lose(worker, err));
    worker.on('exit', (code) =>
      this.#lose(worker, new Error(`the search text worker exited with code ${code}`)),
    );
    this.#worker = worker;
    return worker;
  }

  #settle(reply: TextReply): void {
    const job = this.#current;
    if (job === null || job.request.id !== reply.id) return;
    this.#current = null;
    job.resolve(
      'text' in reply ? { ok: true, text: reply.text } : { ok: false, problem: reply.problem },
    );
    this.#next();
  }

  #lose(worker: Worker, err: Error): void {
    if (this.#worker !== worker) return;
    this.#worker = null;
    const held = this.#current;
    this.#current = null;
    held?.reject(new Error(`recording not indexed: ${err.message}`));
    this.#next();
  }
}

/** The process's one search text worker. */
export const sharedSearchableTextWorker = new SearchableTextWorker();
