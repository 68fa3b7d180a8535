/**
 * Where sealed recordings are kept (docs/recording-storage.md): the `RecordingStore` port, and
 * the local store, which keeps them where they were written. A session always writes to the
 * spool (`recordings.dir`); at seal the store is handed the recording (`keep`), and readers read
 * through `fetch`, which gives a folder holding the recording and its manifest at their relative
 * paths, so a reader opens `dir` + path as it always did.
 */
import { listRecordingFiles, type RecordingFile } from './recording-files.js';
import { removeRecording } from './remove-recording.js';

/** A recording as a reader sees it: `dir` + its relative path; `release` once read. */
export interface RecordingCopy {
  readonly dir: string;
  release(): Promise<void>;
}

export interface RecordingStore {
  /** Where running sessions write and sealed recordings wait for the store (`recordings.dir`). */
  readonly spoolDir: string;
  /**
   * The recording at `relativePath` (`YYYY/MM/DD/<uuid>.cast`) and its manifest in a local
   * folder; a file the store does not hold is absent there. Throws when the store cannot be read.
   */
  fetch(relativePath: string): Promise<RecordingCopy>;
  /** The recordings and manifests the store and the spool hold. */
  list(): Promise<RecordingFile[]>;
  /**
   * Deletes a recording, its manifest and its kept transfer copies wherever they are (retention);
   * absent ones are fine.
   */
  remove(relativePath: string): Promise<void>;
  /** A sealed recording (and its manifest) in the spool is the store's now. Never throws. */
  keep(relativePath: string): void;
  /** Hands the store what an earlier run left sealed in the spool (serve, at start). */
  resume(): Promise<void>;
  /** Why `strict` refuses new sessions now (the store has been failing), or null. */
  outage(): string | null;
  /** Stops background work (serve's stop); what is not done stays in the spool. */
  close(): Promise<void>;
}

/** `recordings.store: local`: the spool is the store. */
export function localRecordingStore(dir: string): RecordingStore {
  return {
    spoolDir: dir,
    fetch: async () => ({ dir, release: async () => undefined }),
    list: () => listRecordingFiles(dir),
    remove: (relativePath) => removeRecording(dir, relativePath),
    keep: () => undefined,
    resume: async () => undefined,
    outage: () => null,
    close: async () => undefined,
  };
}

/** Reads a recording through the store: `read` gets the folder; the copy is released after. */
export async function withRecording<T>(
  store: RecordingStore,
  relativePath: string,
  read: (dir: string) => Promise<T>,
): Promise<T> {
  const copy = await store.fetch(relativePath);
  try {
    return await read(copy.dir);
  } finally {
    await copy.release();
  }
}

/** The store a reader or the lifecycle was given; none: the local store over its folder. */
export const recordingStoreOf = (deps: {
  readonly recordings?: RecordingStore | undefined;
  readonly recordingsDir: string;
}): RecordingStore => deps.recordings ?? localRecordingStore(deps.recordingsDir);

/** Copies read for one task and released together (an export holds each until it is written). */
export class RecordingReads {
  readonly #store: RecordingStore;
  readonly #copies: RecordingCopy[] = [];

  constructor(store: RecordingStore) {
    this.#store = store;
  }

  /** The folder holding the recording at `relativePath` until `release`. */
  async dirOf(relativePath: string): Promise<string> {
    const copy = await this.#store.fetch(relativePath);
    this.#copies.push(copy);
    return copy.dir;
  }

  async release(): Promise<void> {
    await Promise.all(this.#copies.splice(0).map((c) => c.release()));
  }
}
