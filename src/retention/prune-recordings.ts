/**
 * Retention's prune (issue 17, docs/retention.md), for `gatehouse recording prune` and serve's
 * daily run. Per recording, in this order: its files hashed; `recording.pruned` chained with the
 * row marked pruned (one transaction); the files removed; the row marked removed. A crash or a
 * failed removal after the event leaves files the chain already calls pruned (kept too long,
 * never gone unrecorded), and the next prune finishes them first. Batches of `batchSize`; one
 * recording's failure is reported and the rest go on.
 */
import { errorMessage } from '../core/errors.js';
import type { Clock } from '../core/clock.js';
import type { Actor, EpochMs, SessionId } from '../core/model.js';
import type { Store } from '../core/ports.js';
import {
  pruneCutoff,
  prunedEvent,
  type PruneCandidate,
  type PruneCursor,
} from '../core/retention.js';
import {
  recordingStoreOf,
  withRecording,
  type RecordingStore,
} from '../recording/recording-store.js';
import { hashRecording, measureRecording } from '../recording/remove-recording.js';

export interface PruneDeps {
  readonly store: Pick<Store, 'retention'>;
  readonly recordingsDir: string;
  /** Where sealed recordings are kept (none: the local store over recordingsDir). */
  readonly recordings?: RecordingStore;
  readonly clock: Clock;
  readonly retentionMs: number;
  /** The admin on the CLI, `gatehouse` in serve. */
  readonly actor: Actor;
  /** Sessions read per query (default 100). */
  readonly batchSize?: number;
}

/** A recording that is (or, in a dry run, would be) pruned. */
export interface PrunedRecording {
  readonly status: 'pruned';
  readonly sessionId: SessionId;
  readonly path: string;
  readonly endedAt: EpochMs;
  readonly bytes: number;
}

/** The files of a recording pruned by an earlier run that were left behind, now removed. */
export interface FinishedRemoval {
  readonly status: 'finished';
  readonly sessionId: SessionId;
  readonly path: string;
}

export interface PruneFailure {
  readonly status: 'failed';
  readonly sessionId: SessionId;
  readonly path: string;
  /** One line, naming what is left as it was. */
  readonly problem: string;
}

export type PruneStep = PrunedRecording | FinishedRemoval | PruneFailure;

const DEFAULT_BATCH = 100;

/** Every due candidate, oldest first, one batch in memory at a time. */
async function* dueRecordings(deps: PruneDeps, cutoff: EpochMs): AsyncGenerator<PruneCandidate> {
  let after: PruneCursor | null = null;
  for (;;) {
    const batch = await deps.store.retention.due(cutoff, after, deps.batchSize ?? DEFAULT_BATCH);
    yield* batch;
    const last = batch.at(-1);
    if (last === undefined || batch.length < (deps.batchSize ?? DEFAULT_BATCH)) return;
    after = last;
  }
}

/** The dry run: what a prune now would remove, read from the rows and file sizes only. */
export async function* previewPrune(deps: PruneDeps): AsyncGenerator<PrunedRecording> {
  const cutoff = pruneCutoff(deps.clock.now(), deps.retentionMs);
  for await (const c of dueRecordings(deps, cutoff)) {
    const files = await withRecording(recordingStoreOf(deps), c.recordingPath, (dir) =>
      measureRecording(dir, c.recordingPath),
    );
    yield {
      status: 'pruned',
      sessionId: c.sessionId,
      path: c.recordingPath,
      endedAt: c.endedAt,
      bytes: files.reduce((sum, f) => sum + f.bytes, 0),
    };
  }
}

async function finishRemovals(deps: PruneDeps): Promise<PruneStep[]> {
  const steps: PruneStep[] = [];
  const failed = new Set<SessionId>();
  const batchSize = deps.batchSize ?? DEFAULT_BATCH;
  for (;;) {
    const batch = (await deps.store.retention.unremoved(batchSize + failed.size)).filter(
      (c) => !failed.has(c.sessionId),
    );
    if (batch.length === 0) return steps;
    for (const c of batch) {
      const step = await removeFiles(deps, c, 'finished');
      if (step.status === 'failed') failed.add(c.sessionId);
      steps.push(step);
    }
  }
}

async function removeFiles(
  deps: PruneDeps,
  c: PruneCandidate,
  done: PrunedRecording | 'finished',
): Promise<PruneStep> {
  const base = { sessionId: c.sessionId, path: c.recordingPath };
  try {
    await recordingStoreOf(deps).remove(c.recordingPath);
    await deps.store.retention.markRemoved(c.sessionId, deps.clock.now());
  } catch (e) {
    return {
      status: 'failed',
      ...base,
      problem: `pruned in the audit trail, but its files were not all removed (${errorMessage(e)}); the next prune retries`,
    };
  }
  return done === 'finished' ? { status: 'finished', ...base } : done;
}

async function pruneOne(deps: PruneDeps, c: PruneCandidate, cutoff: EpochMs): Promise<PruneStep> {
  const base = { sessionId: c.sessionId, path: c.recordingPath };
  let bytes: number;
  try {
    const files = await withRecording(recordingStoreOf(deps), c.recordingPath, (dir) =>
      hashRecording(dir, c.recordingPath),
    );
    const event = prunedEvent(c, files, deps.retentionMs);
    bytes = event.payload.bytes;
    await deps.store.retention.markPruned(event, cutoff, deps.actor);
  } catch (e) {
    return { status: 'failed', ...base, problem: `not pruned: ${errorMessage(e)}` };
  }
  return removeFiles(deps, c, { status: 'pruned', ...base, endedAt: c.endedAt, bytes });
}

/** Prunes every recording due now; removals an earlier run left unfinished go first. */
export async function* pruneRecordings(deps: PruneDeps): AsyncGenerator<PruneStep> {
  yield* await finishRemovals(deps);
  const cutoff = pruneCutoff(deps.clock.now(), deps.retentionMs);
  for await (const c of dueRecordings(deps, cutoff)) yield await pruneOne(deps, c, cutoff);
}

/** Counts for a summary line: recordings, bytes, the oldest session's end. */
export interface PruneTotals {
  readonly count: number;
  readonly bytes: number;
  readonly oldestEndedAt: EpochMs | null;
  readonly finished: number;
  readonly failed: number;
}

export function totalsOf(steps: readonly PruneStep[]): PruneTotals {
  const pruned = steps.filter((s): s is PrunedRecording => s.status === 'pruned');
  return {
    count: pruned.length,
    bytes: pruned.reduce((sum, s) => sum + s.bytes, 0),
    oldestEndedAt: pruned.reduce<EpochMs | null>(
      (oldest, s) => (oldest === null || s.endedAt < oldest ? s.endedAt : oldest),
      null,
    ),
    finished: steps.filter((s) => s.status === 'finished').length,
    failed: steps.filter((s) => s.status === 'failed').length,
  };
}
