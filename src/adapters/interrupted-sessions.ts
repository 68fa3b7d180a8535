/**
 * Start-up recovery (DESIGN.md §6): sessions left open by a crash or kill -9 of an earlier run are
 * closed as `interrupted`; their recordings are trimmed to the last complete line, signed and
 * sealed in the audit chain, as a normal close would have done.
 *
 * A normal close appends `recording.sealed` before `session.end`, so a crash between the two
 * leaves a live session whose recording is already sealed and signed: that seal is kept (no
 * second event, no second manifest).
 */
import type { KeyObject } from 'node:crypto';
import { auditEvents } from '../core/audit-events.js';
import type { SessionRef } from '../core/audit-payloads.js';
import type { Clock } from '../core/clock.js';
import type { Session } from '../core/model.js';
import type { Store } from '../core/ports.js';
import type { Logger } from '../logging/logger.js';
import { readManifest, writeManifest } from '../recording/manifest.js';
import { resolveRecordingPath } from '../recording/recording-path.js';
import { sealInterrupted } from '../recording/seal-interrupted.js';

const ACTOR = 'gatehouse';

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export async function closeInterruptedSessions(
  store: Store,
  recordingsDir: string,
  signingKey: KeyObject,
  clock: Clock,
  logger: Logger,
): Promise<number> {
  const open = await store.sessions.list({ live: true });
  if (open.length === 0) return 0;
  const sealedBefore = new Set<string>();
  for (const r of await store.audit.list({ type: 'recording.sealed' })) {
    const id = r.payload['sessionId'];
    if (typeof id === 'string') sealedBefore.add(id);
  }
  for (const s of open) {
    const ref = await sessionRef(store, s);
    const seal = await sealRecording(store, s, ref, recordingsDir, signingKey, clock, sealedBefore.has(s.id), logger);
    await store.sessions.end(
      s.id,
      { endedAt: clock.now(), reason: 'interrupted', exitStatus: null, bytes: seal?.bytes ?? null, sha256: seal?.sha256 ?? null },
      auditEvents.sessionEnd({ ...ref, reason: 'interrupted', exitStatus: null, bytesIn: null, bytesOut: null }),
      ACTOR,
    );
  }
  logger.warn({ sessions: open.length }, 'closed sessions left open by an earlier run');
  return open.length;
}

/** The names as the row's ids resolve now (a removed target still resolves by id). */
async function sessionRef(store: Store, s: Session): Promise<SessionRef> {
  const [user, target] = await Promise.all([store.users.get(s.userId), store.targets.get(s.targetId)]);
  return { sessionId: s.id, grantId: s.grantId, user: user?.name ?? `#${s.userId}`, target: target?.name ?? `#${s.targetId}` };
}

async function sealRecording(
  store: Store,
  s: Session,
  ref: SessionRef,
  dir: string,
  key: KeyObject,
  clock: Clock,
  alreadySealed: boolean,
  logger: Logger,
): Promise<{ readonly bytes: number; readonly sha256: string } | null> {
  if (s.recordingPath === null) return null;
  const log = logger.child({ sessionId: s.id });
  const failure = async (problem: string): Promise<null> => {
    log.error({ problem }, 'interrupted recording not sealed');
    await store.audit.append(auditEvents.recordingFailure({ ...ref, stage: 'recovery', problem }), ACTOR);
    return null;
  };
  const castPath = resolveRecordingPath(dir, s.recordingPath);
  if (castPath === null) return failure(`recording path ${JSON.stringify(s.recordingPath)} is not a recording path`);

  let trimmed;
  try {
    trimmed = await sealInterrupted(castPath);
  } catch (err) {
    return failure(`cannot trim ${castPath}: ${messageOf(err)}`);
  }
  const { sha256, bytes, events, trimmedBytes } = trimmed;
  const fields = { sessionId: s.id, path: s.recordingPath, sha256, bytes, events };
  const existing = await readManifest(castPath);
  if (existing.ok) {
    const m = existing.manifest;
    if (m.sha256 !== sha256 || m.bytes !== bytes || m.events !== events) {
      return failure('a manifest exists and does not match the recording');
    }
  } else {
    try {
      await writeManifest(dir, { ...fields, sealedAt: clock.now() }, key);
    } catch (err) {
      return failure(`cannot write the manifest: ${messageOf(err)}`);
    }
  }
  if (!alreadySealed) {
    await store.audit.append(
      auditEvents.recordingSealed({ ...ref, path: fields.path, sha256, bytes, events, interrupted: true, trimmedBytes }),
      ACTOR,
    );
  }
  log.warn({ bytes, events, trimmedBytes }, 'interrupted recording sealed');
  return { bytes, sha256 };
}
