/**
 * The one seal of a session (DESIGN.md §6), for a live close and for crash recovery alike: sign
 * the recording's manifest, append `recording.sealed`, then end the row with `session.end`.
 */
import { auditEvents } from '../core/audit-events.js';
import type { SessionRef } from '../core/audit-payloads.js';
import { errorMessage } from '../core/errors.js';
import type { SessionEndReason, SessionId, StdinDigest } from '../core/model.js';
import type { KeptTransfers } from '../core/kept-transfers.js';
import { readManifest, writeManifest, type ManifestFields } from '../recording/manifest.js';
import { resolveRecordingPath } from '../recording/recording-path.js';
import { recordingStoreOf } from '../recording/recording-store.js';
import { indexInBackground } from './index-recording.js';
import { recordingFailure, type LifecycleDeps } from './lifecycle-deps.js';

/** What reached a recording's file, as the row, the manifest and the chain hold it. */
export interface RecordingFacts {
  readonly path: string;
  readonly sha256: string;
  readonly bytes: number;
  readonly events: number;
  /** Crash recovery: bytes cut from the end of the file (absent for a live close). */
  readonly trimmedBytes?: number;
  /** A transfer session's kept copies (recordings.keepTransfers), listed in the manifest. */
  readonly keptTransfers?: KeptTransfers;
}

export interface SessionEnding {
  readonly sessionId: SessionId;
  /** sessionId, grantId, user, target: what every session event carries. */
  readonly subject: SessionRef;
  readonly actor: string;
  readonly reason: SessionEndReason;
  readonly exitStatus: number | null;
  readonly bytesIn: number | null;
  readonly bytesOut: number | null;
  readonly stdin: StdinDigest | null;
}

/**
 * Signs the manifest (or, after a crash, keeps one that matches), appends `recording.sealed`
 * unless `alreadySealed`. A problem is audited as `recording.failure` and the seal goes on
 * without that step: the row still ends.
 */
async function sealRecording(
  deps: LifecycleDeps,
  ending: SessionEnding,
  facts: RecordingFacts,
  alreadySealed: boolean,
): Promise<void> {
  const { sessionId, subject, actor } = ending;
  const fields = {
    sessionId,
    path: facts.path,
    sha256: facts.sha256,
    bytes: facts.bytes,
    events: facts.events,
  };
  const kept = facts.keptTransfers === undefined ? {} : { keptTransfers: facts.keptTransfers };
  const problem = await signManifest(deps, { ...fields, ...kept });
  if (problem !== null) {
    deps.logger.error({ sessionId, problem }, 'recording manifest not written');
    await recordingFailure(
      deps,
      subject,
      ending.reason === 'interrupted' ? 'recovery' : 'manifest',
      problem,
      actor,
    );
  }
  if (alreadySealed) return;
  const interrupted =
    facts.trimmedBytes === undefined
      ? {}
      : ({ interrupted: true, trimmedBytes: facts.trimmedBytes } as const);
  await deps.auditor.record(
    auditEvents.recordingSealed({ ...subject, ...fields, ...interrupted }),
    actor,
  );
}

async function signManifest(
  deps: LifecycleDeps,
  fields: Omit<ManifestFields, 'sealedAt'> & { readonly sessionId: SessionId },
): Promise<string | null> {
  const castPath = resolveRecordingPath(deps.recordingsDir, fields.path);
  if (castPath === null)
    return `recording path ${JSON.stringify(fields.path)} is not a recording path`;
  const existing = await readManifest(castPath);
  if (existing.ok) {
    const m = existing.manifest;
    const same =
      m.sha256 === fields.sha256 && m.bytes === fields.bytes && m.events === fields.events;
    return same ? null : 'a manifest exists and does not match the recording';
  }
  try {
    await writeManifest(
      deps.recordingsDir,
      { ...fields, sealedAt: deps.clock.now() },
      deps.signingKey,
    );
    return null;
  } catch (err) {
    return `cannot write the manifest: ${errorMessage(err)}`;
  }
}

/** Seals the recording (when there is one), then ends the session row: once per session. */
export async function sealSession(
  deps: LifecycleDeps,
  ending: SessionEnding,
  recording: { readonly facts: RecordingFacts; readonly alreadySealed: boolean } | null,
): Promise<void> {
  if (recording !== null)
    await sealRecording(deps, ending, recording.facts, recording.alreadySealed);
  const { sessionId, subject, reason, exitStatus, bytesIn, bytesOut, stdin, actor } = ending;
  const ended = auditEvents.sessionEnd({
    ...subject,
    reason,
    exitStatus,
    bytesIn,
    bytesOut,
    stdin,
  });
  const row = {
    endedAt: deps.clock.now(),
    reason,
    exitStatus,
    bytes: recording?.facts.bytes ?? null,
    sha256: recording?.facts.sha256 ?? null,
    stdin,
  };
  await deps.store.sessions.end(sessionId, row, ended, actor);
  deps.announce(ended);
  if (recording === null) return;
  // The store takes it from the spool (an upload in the background with s3).
  recordingStoreOf(deps).keep(recording.facts.path);
  indexInBackground(deps, sessionId, recording.facts.path);
}
