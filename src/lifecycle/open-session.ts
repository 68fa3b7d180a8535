/**
 * Opening a session's record: the recording first (before any byte is relayed; refused or
 * continued without it according to `recordings.mode`), then the row with `session.start`.
 */
import { auditEvents } from '../core/audit-events.js';
import type { SessionRef } from '../core/audit-payloads.js';
import { isRefusal, refuse, type Refusal } from '../core/refusal.js';
import { actorOf } from '../core/login.js';
import { sessionKind } from '../core/session-summary.js';
import { messages } from '../core/user-messages.js';
import { TransferKeeper } from '../recording/kept-transfers.js';
import { resolveRecordingPath } from '../recording/recording-path.js';
import { recordingStoreOf } from '../recording/recording-store.js';
import type { OpenSession, SessionClosing, SessionOpening, SessionTap } from '../session/ports.js';
import { recordingFailure, type LifecycleDeps } from './lifecycle-deps.js';
import { sealSession } from './seal-session.js';
import { sessionAlerts, type SessionAlerts } from './session-alerts.js';

const GATEHOUSE_EXIT = 255;
const validSize = (n: number): boolean => Number.isInteger(n) && n > 0 && n <= 65535;

/** `user@target: command`, or `user@target` for a shell. */
export const recordingTitle = (
  userName: string,
  targetName: string,
  command: string | null,
): string =>
  command === null ? `${userName}@${targetName}` : `${userName}@${targetName}: ${command}`;

export async function openSession(
  deps: LifecycleDeps,
  opening: SessionOpening,
): Promise<OpenSession | Refusal> {
  const { sessionId, grant, target, userName, command, pty } = opening;
  const actor = actorOf(userName);
  const subject = { sessionId, grantId: grant.id, user: userName, target: target.name };
  const tap = await openTap(deps, opening, subject);
  if (isRefusal(tap)) return tap;
  const sftp = opening.subsystem === 'sftp';
  const started = auditEvents.sessionStart({
    ...subject,
    kind: sftp ? 'sftp' : command === null ? 'shell' : 'exec',
    command,
    pty: pty !== null,
    remoteAddr: opening.remoteAddr,
  });
  const row = {
    id: sessionId,
    grantId: grant.id,
    userId: grant.userId,
    targetId: target.id,
    startedAt: opening.startedAt,
    recordingPath: tap?.relativePath ?? null,
    kind: sftp ? 'sftp' : sessionKind(command, grant.mode),
    command,
  };
  await deps.store.sessions.start(row, started, actor).catch(async (err: unknown) => {
    await tap?.close().catch(() => undefined);
    throw err;
  });
  deps.announce(started);
  const keeper = sftp && tap !== null ? transferKeeper(deps, tap.relativePath) : null;
  return openRecord(
    deps,
    subject,
    actor,
    sessionAlerts(deps, subject, opening.startedAt, tap),
    keeper,
  );
}

/** The kept copies of a transfer session's files beside its recording, when the config asks. */
function transferKeeper(deps: LifecycleDeps, relativePath: string): TransferKeeper | null {
  const settings = deps.keepTransfers?.() ?? null;
  const castPath = resolveRecordingPath(deps.recordingsDir, relativePath);
  if (settings === null || castPath === null) return null;
  return new TransferKeeper({ castPath, settings, strict: deps.taps.mode === 'strict' });
}

/** The recording, before anything is relayed: a tap, none (best_effort), or a refusal (strict). */
async function openTap(
  deps: LifecycleDeps,
  opening: SessionOpening,
  subject: SessionRef,
): Promise<SessionTap | null | Refusal> {
  const { mode } = deps.taps;
  const actor = actorOf(opening.userName);
  // strict: while the recording store is down a session is refused at once (best_effort: its
  // recording waits in the spool like any other).
  const outage = mode === 'strict' ? recordingStoreOf(deps).outage() : null;
  if (outage !== null) {
    deps.logger.error({ sessionId: opening.sessionId, problem: outage }, 'recording store down');
    await recordingFailure(deps, { ...subject, mode }, 'open', outage, actor);
    return refuse.quietly(messages.recordingStoreDown(), GATEHOUSE_EXIT);
  }
  const { pty } = opening;
  const sized = pty !== null && validSize(pty.cols) && validSize(pty.rows);
  const opened = await deps.taps.open({
    sessionId: opening.sessionId,
    startedAt: opening.startedAt,
    cols: sized ? pty.cols : 80,
    rows: sized ? pty.rows : 24,
    term: pty === null || pty.term === '' ? null : pty.term,
    title: recordingTitle(
      opening.userName,
      opening.target.name,
      opening.subsystem ?? opening.command,
    ),
  });
  if (opened.ok) return opened.tap;
  deps.logger.error(
    { sessionId: opening.sessionId, problem: opened.problem, mode },
    'recording cannot be opened',
  );
  await recordingFailure(deps, { ...subject, mode }, 'open', opened.problem, actor);
  // strict: refused; its cause is on the record already (the recording's own event above)
  return mode === 'strict' ? refuse.quietly(messages.recordingRefused(), GATEHOUSE_EXIT) : null;
}

/** The open session: its recording's door, a failure that ends it, and the seal (once). */
function openRecord(
  deps: LifecycleDeps,
  subject: SessionRef,
  actor: string,
  alerts: SessionAlerts,
  keeper: TransferKeeper | null,
): OpenSession {
  const { tap } = alerts;
  const { mode } = deps.taps;
  const log = deps.logger.child({ sessionId: subject.sessionId });
  // The line to end the session with, once a failure calls for it.
  let ending: string | null = null;
  let endSession: ((line: string) => void) | null = null;
  tap?.onFailure((problem, limitReached) => {
    log.error({ problem, mode }, 'recording failed');
    const stage = limitReached ? 'limit' : 'write';
    void recordingFailure(deps, { ...subject, mode }, stage, problem, actor);
    if (!limitReached && mode !== 'strict') return;
    ending = limitReached ? messages.recordingLimitReached() : messages.recordingFailed();
    endSession?.(ending);
  });
  let sealed: Promise<void> | null = null;
  return {
    tap,
    copies: keeper,
    marker: (text) => tap?.marker(text),
    resize: (cols, rows) => tap?.resize(cols, rows),
    onEndingFailure: (end) => {
      endSession = end;
      if (ending !== null) end(ending);
    },
    checkCommand: (command) => alerts.command(command),
    onAlertEnd: (end) => alerts.onEnd(end),
    seal: (closing: SessionClosing) =>
      (sealed ??= (async () => {
        const facts = tap === null ? null : await tap.close();
        const keptTransfers = await keeper?.close();
        const recording =
          facts === null
            ? null
            : {
                facts: {
                  ...facts,
                  path: facts.relativePath,
                  ...(keptTransfers === undefined ? {} : { keptTransfers }),
                },
                alreadySealed: false,
              };
        await sealSession(
          deps,
          { sessionId: subject.sessionId, subject, actor, ...closing },
          recording,
        );
        await keeper?.forgetLabels();
        log.info({ reason: closing.reason, exitStatus: closing.exitStatus }, 'session ended');
      })()),
  };
}
