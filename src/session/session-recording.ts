/**
 * The recording of one session channel as the session handler sees it: opened before any byte is
 * relayed, refused or continued according to `recordings.mode`, sealed at the end with a
 * `recording.sealed` audit event. The bytes themselves go straight from the relay to the tap
 * (no store or log call per packet).
 */
import { auditEvents } from '../core/audit-events.js';
import type { RecordingFailureStage, SessionRef } from '../core/audit-payloads.js';
import type { Auditor } from '../core/auditor.js';
import { quoteArgv } from '../core/command-policy.js';
import type { EpochMs } from '../core/model.js';
import type { Actor } from '../core/ports.js';
import type { Logger } from '../logging/logger.js';
import type { SessionTap, SessionTapFactory } from './ports.js';

export const recordingMessages = {
  refused: (): string => 'gatehouse: this session cannot be recorded right now; access refused',
  failed: (): string => 'gatehouse: the session recording failed; session closed',
};

export interface SessionRecordingDeps {
  readonly taps: SessionTapFactory;
  readonly auditor: Auditor;
  readonly actor: Actor;
  readonly logger: Logger;
  /** sessionId, grantId, user, target: the fields every session audit event carries. */
  readonly base: SessionRef;
}

export interface RecordingStart {
  readonly startedAt: EpochMs;
  readonly userName: string;
  readonly targetName: string;
  readonly command: string | null;
  /** From the pty request; null without a pty (the recording is then 80x24). */
  readonly pty: { readonly cols: number; readonly rows: number; readonly term: string } | null;
  /** The line end gatehouse's own messages use on this channel. */
  readonly eol: string;
}

export interface SessionRecording {
  /** For the session row; null when best_effort went on without a recording. */
  readonly relativePath: string | null;
  /** What the relay writes to; null without a recording. */
  readonly tap: SessionTap | null;
  marker(label: string): void;
  /** A command the restricted prompt runs (canonical argv), as a marker. */
  markCommand(argv: readonly string[]): void;
  resize(cols: number, rows: number): void;
  /** A line gatehouse showed the user (banner, warnings): recorded as stderr output. */
  said(line: string): void;
  /** strict mode: `end` is called once (with a one-line reason) when the recording breaks. */
  onStrictFailure(end: (line: string) => void): void;
  /** Closes the file without sealing it (the session never started: no row to seal it on). */
  abandon(): Promise<void>;
  /** Closes and signs the recording, appends `recording.sealed`; returns what the row stores. */
  finish(): Promise<{ readonly bytes: number | null; readonly sha256: string | null }>;
}

export type OpenedRecording =
  | { readonly ok: true; readonly recording: SessionRecording }
  | { readonly ok: false; readonly line: string };

const validSize = (n: number): boolean => Number.isInteger(n) && n > 0 && n <= 65535;

/** `user@target: command`, or `user@target` for a shell. */
export const recordingTitle = (userName: string, targetName: string, command: string | null): string =>
  command === null ? `${userName}@${targetName}` : `${userName}@${targetName}: ${command}`;

export async function openSessionRecording(deps: SessionRecordingDeps, start: RecordingStart): Promise<OpenedRecording> {
  const { taps, auditor, actor, logger, base } = deps;
  const strict = taps.mode === 'strict';
  const pty = start.pty;
  const sized = pty !== null && validSize(pty.cols) && validSize(pty.rows);
  const audit = (stage: RecordingFailureStage, problem: string): Promise<void> =>
    auditor.record(auditEvents.recordingFailure({ ...base, mode: taps.mode, stage, problem }), actor);

  const opened = await taps.open({
    sessionId: base.sessionId,
    startedAt: start.startedAt,
    cols: sized ? pty.cols : 80,
    rows: sized ? pty.rows : 24,
    term: pty === null || pty.term === '' ? null : pty.term,
    title: recordingTitle(start.userName, start.targetName, start.command),
  });
  if (!opened.ok) {
    logger.error({ problem: opened.problem, mode: taps.mode }, 'recording cannot be opened');
    await audit('open', opened.problem);
    if (strict) return { ok: false, line: recordingMessages.refused() };
  }
  const tap = opened.ok ? opened.tap : null;

  let failure: string | null = null;
  let endSession: ((line: string) => void) | null = null;
  tap?.onFailure((problem) => {
    failure = problem;
    logger.error({ problem, mode: taps.mode }, 'recording failed');
    void audit('write', problem);
    if (strict) endSession?.(recordingMessages.failed());
  });

  const recording: SessionRecording = {
    relativePath: tap?.relativePath ?? null,
    tap,
    marker: (label) => tap?.marker(label),
    markCommand: (argv) => tap?.marker(`$ ${quoteArgv(argv)}`),
    resize: (cols, rows) => tap?.resize(cols, rows),
    said: (line) => {
      tap?.output(Buffer.from(`${line}${start.eol}`, 'utf8'), 'stderr');
    },
    onStrictFailure: (end) => {
      if (!strict) return;
      endSession = end;
      if (failure !== null) end(recordingMessages.failed());
    },
    abandon: async () => {
      await tap?.close().catch(() => undefined);
    },
    finish: async () => {
      if (tap === null) return { bytes: null, sha256: null };
      const seal = await tap.close();
      if (seal.manifestProblem !== null) {
        logger.error({ problem: seal.manifestProblem }, 'recording manifest not written');
        await audit('manifest', seal.manifestProblem);
      }
      const { relativePath: path, sha256, bytes, events } = seal;
      await auditor.record(auditEvents.recordingSealed({ ...base, path, sha256, bytes, events }), actor);
      return { bytes, sha256 };
    },
  };
  return { ok: true, recording };
}
