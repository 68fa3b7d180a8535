/**
 * The search index of recorded output is fed here: each recording once sealed (in the background,
 * so indexing never holds up the user's exit status), and at start the ended sessions with
 * nothing indexed (crash-sealed, made before the index, or missed at shutdown), newest first.
 */
import { errorMessage } from '../core/errors.js';
import type { SessionId } from '../core/model.js';
import { resolveRecordingPath } from '../recording/recording-path.js';
import { recordingStoreOf, type RecordingCopy } from '../recording/recording-store.js';
import {
  sharedSearchableTextWorker,
  type SearchableTextWorker,
  type TextResult,
} from '../recording/searchable-text-worker.js';
import type { LifecycleDeps } from './lifecycle-deps.js';

/** How many unindexed sessions are read at a time. */
const INDEX_BATCH = 200;

type IndexDeps = Pick<
  LifecycleDeps,
  'store' | 'recordingsDir' | 'recordings' | 'clock' | 'logger'
> & {
  /** Default: the process's shared one. */
  readonly textWorker?: SearchableTextWorker;
};

/**
 * Indexes one recording, its text made on the search text worker's thread. One that cannot be
 * read is indexed as empty and incomplete (logged), so it is not tried again at every start;
 * one the worker could not finish (lost, too busy) stays unindexed: the next start indexes it.
 */
export async function indexRecording(
  deps: IndexDeps,
  sessionId: SessionId,
  relativePath: string,
): Promise<void> {
  const read = await textOf(deps, relativePath);
  if (!read.ok) deps.logger.warn({ sessionId, problem: read.problem }, 'recording not indexed');
  const text = read.ok ? read.text : { chunks: [], chars: 0, complete: false };
  await deps.store.recordingText.index(sessionId, text, deps.clock.now());
}

/**
 * The recording's text from the store's copy. A copy the store cannot give is indexed as empty
 * (and incomplete); a text worker that dies rejects, so the recording stays unindexed for the
 * next start.
 */
async function textOf(deps: IndexDeps, relativePath: string): Promise<TextResult> {
  let copy: RecordingCopy;
  try {
    copy = await recordingStoreOf(deps).fetch(relativePath);
  } catch (err) {
    return { ok: false, problem: errorMessage(err) };
  }
  try {
    const path = resolveRecordingPath(copy.dir, relativePath);
    if (path === null)
      return { ok: false, problem: `${JSON.stringify(relativePath)} is not a recording path` };
    return await (deps.textWorker ?? sharedSearchableTextWorker).textOf(path);
  } finally {
    await copy.release();
  }
}

/** In the background: a failure (the store closing at shutdown) is logged, never thrown. */
export function indexInBackground(
  deps: IndexDeps,
  sessionId: SessionId,
  relativePath: string,
): void {
  indexRecording(deps, sessionId, relativePath).catch((err: unknown) => {
    deps.logger.warn({ sessionId, problem: errorMessage(err) }, 'recording not indexed');
  });
}

/** Indexes up to `limit` ended sessions with nothing indexed; returns how many. */
export async function indexUnindexed(deps: IndexDeps, limit: number): Promise<number> {
  const pending = await deps.store.recordingText.unindexed(limit);
  for (const s of pending) await indexRecording(deps, s.id, s.recordingPath);
  return pending.length;
}

/** Batch after batch until none is left (each recording indexed once, even an unreadable one). */
export async function indexAllUnindexed(deps: IndexDeps): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await indexUnindexed(deps, INDEX_BATCH);
    total += n;
    if (n < INDEX_BATCH) return total;
  }
}
