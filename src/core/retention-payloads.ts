/** The payloads of retention's events (issue 17, docs/retention.md): prune, hold, release. */
import type { GrantId, SessionId } from './model.js';

/** One file of a pruned recording as it was just before its removal. */
export type PrunedFile = {
  /** Relative to the recordings dir: the cast, its manifest, a kept transfer file. */
  readonly path: string;
  readonly bytes: number;
  readonly sha256: string;
};

export type RecordingPruned = {
  readonly sessionId: SessionId;
  readonly grantId: GrantId;
  /** The cast, `YYYY/MM/DD/<uuid>.cast`, relative to the recordings dir. */
  readonly path: string;
  readonly reason: 'retention';
  /** `recordings.retention` when it ran (`365d`). */
  readonly retention: string;
  /** What was removed (at most PRUNED_FILES_LISTED; the rest counted in `filesNotListed`). */
  readonly files: readonly PrunedFile[];
  readonly filesNotListed: number;
  /** Bytes of every file removed. */
  readonly bytes: number;
};

/** `recording.hold` (why it is kept) and `recording.release` (why it no longer is). */
export type RecordingHoldChange = {
  readonly sessionId: SessionId;
  readonly reason: string;
};
