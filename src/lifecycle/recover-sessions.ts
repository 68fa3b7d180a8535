/**
 * Start-up recovery (DESIGN.md §6): sessions left open by a crash or kill -9 of an earlier run are
 * closed as `interrupted`; their recordings are trimmed to the last complete line and sealed by
 * the same seal as a live close.
 *
 * A live close appends `recording.sealed` before `session.end`, so a crash between the two leaves
 * a live session whose recording is already sealed and signed: that seal is kept (no second
 * event; the existing manifest must match).
 */
import type { SessionRef } from '../core/audit-payloads.js';
import { errorMessage } from '../core/errors.js';
import type { Session } from '../core/model.js';
import { resolveRecordingPath } from '../recording/recording-path.js';
import { sealInterrupted } from '../recording/seal-interrupted.js';
import { keptFromLabels, removeKeptLabels } from '../recording/kept-labels.js';
import { keptFolderOf } from '../recording/kept-transfers.js';
import { recordingFailure, type LifecycleDeps } from './lifecycle-deps.js';
import { sealSession, type RecordingFacts } from './seal-session.js';

const ACTOR = 'gatehouse';
export async function recoverInterruptedSessions(deps: LifecycleDeps): Promise<number> {
  const { store, logger } = deps;
  // On a shared database the other nodes' live sessions are theirs (issue 17).
  const open = (await store.sessions.list({ live: true })).filter(
    (s) => s.node === null || deps.node === undefined || s.node === deps.node,
  );
  if (open.length === 0) return 0;
  const sealedBefore = new Set<string>();
  for (const r of await store.audit.list({ type: 'recording.sealed' })) {
    const id = r.payload['sessionId'];
    if (typeof id === 'string') sealedBefore.add(id);
  }
  for (const s of open) {
    const [user, target] = await Promise.all([
      store.users.get(s.userId),
      store.targets.get(s.targetId),
    ]);
    const subject = {
      sessionId: s.id,
      grantId: s.grantId,
      user: user?.name ?? `#${s.userId}`,
      target: target?.name ?? `#${s.targetId}`,
    };
    const ending = {
      sessionId: s.id,
      subject,
      actor: ACTOR,
      reason: 'interrupted',
      exitStatus: null,
      bytesIn: null,
      bytesOut: null,
      stdin: null,
    } as const;
    const trimmed = await trimRecording(deps, s, subject);
    const alreadySealed = sealedBefore.has(s.id);
    // A transfer session's copies, listed as their labels say (an earlier seal already did).
    const kept =
      trimmed === null || alreadySealed
        ? null
        : await keptFromLabels(
            keptFolderOf(trimmed.castPath),
            deps.keepTransfers?.() ?? null,
          ).catch((err: unknown) => {
            logger.error({ sessionId: s.id, problem: errorMessage(err) }, 'kept copies not listed');
            return null;
          });
    const facts =
      trimmed === null
        ? null
        : { ...trimmed.facts, ...(kept === null ? {} : { keptTransfers: kept }) };
    const recording = facts === null ? null : { facts, alreadySealed };
    await sealSession(deps, ending, recording);
    if (trimmed !== null)
      await removeKeptLabels(keptFolderOf(trimmed.castPath)).catch(() => undefined);
    if (facts !== null)
      logger.warn(
        { sessionId: s.id, bytes: facts.bytes, trimmedBytes: facts.trimmedBytes },
        'interrupted recording sealed',
      );
  }
  logger.warn({ sessions: open.length }, 'closed sessions left open by an earlier run');
  return open.length;
}

/** The recording cut back to its last complete line, or null (audited) when it cannot be. */
async function trimRecording(
  deps: LifecycleDeps,
  s: Session,
  subject: SessionRef,
): Promise<{ facts: RecordingFacts; castPath: string } | null> {
  if (s.recordingPath === null) return null;
  const failure = async (problem: string): Promise<null> => {
    deps.logger.error({ sessionId: s.id, problem }, 'interrupted recording not sealed');
    await recordingFailure(deps, subject, 'recovery', problem, ACTOR);
    return null;
  };
  const castPath = resolveRecordingPath(deps.recordingsDir, s.recordingPath);
  if (castPath === null)
    return failure(`recording path ${JSON.stringify(s.recordingPath)} is not a recording path`);
  try {
    const { sha256, bytes, events, trimmedBytes } = await sealInterrupted(castPath);
    return { facts: { path: s.recordingPath, sha256, bytes, events, trimmedBytes }, castPath };
  } catch (err) {
    return failure(`cannot trim ${castPath}: ${errorMessage(err)}`);
  }
}
