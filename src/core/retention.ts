/**
 * Retention of recordings and legal holds (issue 17, docs/retention.md): when a recording is due,
 * what its `recording.pruned` event says, and how a session's recording state reads. Pure.
 */
import { auditEvents, type AuditEventOf } from './audit-events.js';
import { DAY, formatDuration, parseDuration } from './duration.js';
import { quoteForMessage } from './names.js';
import { isoTime } from './timestamp.js';
import type { Actor, EpochMs, GrantId, Session, SessionId } from './model.js';
import type { PrunedFile } from './retention-payloads.js';
import { escapeUnprintable } from './untrusted-text.js';

/** Anything shorter would prune the sessions of today's incident. */
export const MIN_RETENTION_MS = DAY;

/** Files named one by one in a `recording.pruned` event; a kept-transfers folder may hold more. */
export const PRUNED_FILES_LISTED = 100;

export type RetentionParse =
  { readonly ok: true; readonly ms: number } | { readonly ok: false; readonly message: string };

/** A duration (`365d`, `12w`, `1h30m`) of at least one day. */
export function parseRetention(text: string): RetentionParse {
  const parsed = parseDuration(text);
  if (!parsed.ok) return parsed;
  if (parsed.ms < MIN_RETENTION_MS)
    return { ok: false, message: `${quoteForMessage(text)} is under the minimum retention of 1d` };
  return parsed;
}

/** Sessions that ended before this are due. */
export const pruneCutoff = (now: EpochMs, retentionMs: number): EpochMs => now - retentionMs;

/** A session whose recording is due, or was pruned with its files not yet known to be gone. */
export interface PruneCandidate {
  readonly sessionId: SessionId;
  readonly grantId: GrantId;
  /** `YYYY/MM/DD/<uuid>.cast` as the row holds it. */
  readonly recordingPath: string;
  readonly endedAt: EpochMs;
}

/** Where the scan stands: candidates come oldest first, (endedAt, sessionId) after this. */
export type PruneCursor = Pick<PruneCandidate, 'endedAt' | 'sessionId'>;

/** The event written, before any file goes, for a recording retention removes. */
export function prunedEvent(
  candidate: PruneCandidate,
  files: readonly PrunedFile[],
  retentionMs: number,
): AuditEventOf<'recording.pruned'> {
  return auditEvents.recordingPruned({
    sessionId: candidate.sessionId,
    grantId: candidate.grantId,
    path: candidate.recordingPath,
    reason: 'retention',
    retention: formatDuration(retentionMs),
    files: files.slice(0, PRUNED_FILES_LISTED),
    filesNotListed: Math.max(0, files.length - PRUNED_FILES_LISTED),
    bytes: files.reduce((sum, f) => sum + f.bytes, 0),
  });
}

/**
 * What users see of a session's recording beyond its row: `recording pruned <time>`, `on legal
 * hold: <reason>` (typed by an admin: unprintable characters escaped), or null.
 */
export function recordingState(s: Pick<Session, 'recordingPrunedAt' | 'hold'>): string | null {
  if (s.recordingPrunedAt !== null) return `recording pruned ${isoTime(s.recordingPrunedAt)}`;
  if (s.hold !== null) return `on legal hold: ${escapeUnprintable(s.hold.reason)}`;
  return null;
}

/** The one line where a pruned recording was asked for (replay, the review page). */
export const prunedRecordingLine = (sessionId: SessionId, prunedAt: EpochMs): string =>
  `the recording of ${sessionId} was pruned ${isoTime(prunedAt)} by retention; the session row and its audit trail remain`;

/** Why an evidence file holds no recording of a session retention pruned. */
export const prunedRecordingGap = (prunedAt: EpochMs): string =>
  `recording pruned ${isoTime(prunedAt)} by retention`;

/** Whether `event` is retention's `recording.pruned` of `sessionId`: the chain's proof of a prune. */
export const isRetentionPrune = (
  event: { readonly type: string; readonly payload: Readonly<Record<string, unknown>> },
  sessionId: string,
): boolean =>
  event.type === 'recording.pruned' &&
  event.payload['sessionId'] === sessionId &&
  event.payload['reason'] === 'retention';

/** The store's side of retention: each write one transaction with its event. */
export interface RecordingRetentionRepository {
  /**
   * Up to `limit` ended sessions with a recording that ended before `cutoff`, neither pruned nor
   * held, oldest first after `after`.
   */
  due(cutoff: EpochMs, after: PruneCursor | null, limit: number): Promise<PruneCandidate[]>;
  /**
   * Marks the recording pruned and drops its search index rows, with its event, in one
   * transaction; refused (nothing changes) when the session is live, held, already pruned or no
   * longer ended before `cutoff`.
   */
  markPruned(event: AuditEventOf<'recording.pruned'>, cutoff: EpochMs, actor: Actor): Promise<void>;
  /** Pruned recordings whose files are not yet known to be removed, oldest pruned first. */
  unremoved(limit: number): Promise<PruneCandidate[]>;
  /** The files of a pruned recording are gone. */
  markRemoved(sessionId: SessionId, now: EpochMs): Promise<void>;
  /** Puts a recording on legal hold (refused when it is held or already pruned). */
  hold(sessionId: SessionId, reason: string, actor: Actor): Promise<Session>;
  /** Releases a hold (refused when there is none). */
  release(sessionId: SessionId, reason: string, actor: Actor): Promise<Session>;
}
