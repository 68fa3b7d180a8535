/**
 * The ssh layer's SessionTapFactory on top of src/recording/ (composition: main.ts): one
 * asciicast file per session channel (its manifest is signed by the session lifecycle's seal).
 */
import type { Clock } from '../core/clock.js';
import { errorMessage } from '../core/errors.js';
import { openRecording, type SessionRecorder } from '../recording/recorder.js';
import type { SessionTap, SessionTapFactory, TapSeal } from '../session/ports.js';

export interface RecordingSettings {
  readonly dir: string;
  readonly mode: 'strict' | 'best_effort';
  readonly captureInput: boolean;
  /** A recording's size limit in bytes (null: none). */
  readonly maxBytesPerSession: number | null;
}

export interface TapFactoryOptions {
  /** How long the recorder may hold the relay back without writing anything (default 15 s). */
  readonly stallMs?: number;
  /** Recorder queue bound (default: the recorder's, 8 MiB). */
  readonly maxQueueBytes?: number;
}

export function recordingTapFactory(
  settings: RecordingSettings,
  clock: Clock,
  options: TapFactoryOptions = {},
): SessionTapFactory {
  return {
    mode: settings.mode,
    async open(info) {
      let recorder: SessionRecorder;
      try {
        recorder = await openRecording({
          dir: settings.dir,
          sessionId: info.sessionId,
          startedAt: info.startedAt,
          width: info.cols,
          height: info.rows,
          title: info.title,
          ...(info.term === null ? {} : { term: info.term }),
          captureInput: settings.captureInput,
          mode: settings.mode,
          maxBytes: settings.maxBytesPerSession,
          clock,
          ...(options.maxQueueBytes === undefined ? {} : { maxQueueBytes: options.maxQueueBytes }),
        });
      } catch (err) {
        return { ok: false, problem: errorMessage(err) };
      }
      const seal = async (): Promise<TapSeal> => {
        const { relativePath, sha256, bytes, events } = await recorder.close();
        return { relativePath, sha256, bytes, events };
      };
      return { ok: true, tap: tapOn(recorder, seal, options.stallMs ?? 15_000) };
    },
  };
}

/**
 * Adds stall detection: a recorder that holds the relay back for `stallMs` without draining (a
 * hung disk) is given up — a failure like an overflow — so the relay is never stuck behind it.
 */
function tapOn(
  recorder: SessionRecorder,
  seal: () => Promise<TapSeal>,
  stallMs: number,
): SessionTap {
  const drainListeners: (() => void)[] = [];
  const failureListeners: ((reason: string, limitReached: boolean) => void)[] = [];
  let broken = false;
  let stall: NodeJS.Timeout | null = null;
  let sealing: Promise<TapSeal> | null = null;

  const drained = (): void => {
    if (stall !== null) clearTimeout(stall);
    stall = null;
    for (const listener of drainListeners) listener();
  };
  const fail = (reason: string, limitReached = false): void => {
    if (broken) return;
    broken = true;
    for (const listener of failureListeners) listener(reason, limitReached);
    drained(); // whoever was paused for the recorder goes on
  };
  const pressure = (more: boolean): boolean => {
    if (more || broken) return true;
    stall ??= setTimeout(() => {
      const reason = `recording stalled: nothing written for ${stallMs} ms`;
      fail(reason);
      recorder.marker(`gatehouse: recording stopped: ${reason}`);
    }, stallMs);
    stall.unref();
    return false;
  };
  recorder.on('drain', drained);
  recorder.on('failure', (f) =>
    f.reason === 'limit'
      ? fail(f.error.message, true)
      : fail(`recording ${f.reason} failure: ${f.error.message}`),
  );

  return {
    relativePath: recorder.relativePath,
    output: (data, stream) => (broken ? true : pressure(recorder.output(data, stream))),
    input: (data) => (broken ? true : pressure(recorder.input(data))),
    resize: (cols, rows) => {
      if (!broken) recorder.resize(cols, rows);
    },
    marker: (text) => {
      if (!broken) recorder.marker(text);
    },
    onDrain: (listener) => {
      drainListeners.push(listener);
    },
    onFailure: (listener) => {
      failureListeners.push(listener);
    },
    close: () => {
      sealing ??= (async () => {
        if (stall !== null) clearTimeout(stall);
        stall = null;
        return seal();
      })();
      return sealing;
    },
  };
}
