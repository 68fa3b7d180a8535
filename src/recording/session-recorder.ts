/**
 * What a session recorder is to its users (the relay's tap, the seal): the contract of
 * openRecording() in recorder.ts, which writes one asciicast v2 file per session channel.
 */
import type { Clock } from '../core/clock.js';

export type RecordingMode = 'strict' | 'best_effort';
export type OutputStream = 'stdout' | 'stderr';

export interface RecordingFailure {
  /**
   * `overflow`: the writer could not keep up (queue bound hit); `write`: the file system failed;
   * `limit`: the file reached `maxBytes`.
   */
  readonly reason: 'overflow' | 'write' | 'limit';
  readonly mode: RecordingMode;
  readonly error: Error;
}

export interface RecordingSeal {
  /** Absolute path of the .cast file. */
  readonly path: string;
  /** `YYYY/MM/DD/<uuid>.cast`, relative to the recordings dir (what the session row stores). */
  readonly relativePath: string;
  /** Hex sha256 of the file's bytes. */
  readonly sha256: string;
  readonly bytes: number;
  /** Event lines (the header line is not counted). */
  readonly events: number;
}

export interface SessionRecorder {
  readonly path: string;
  readonly relativePath: string;
  /** True after an overflow or write error: later events are dropped. */
  readonly failed: boolean;
  /**
   * Output the user saw. stdout and stderr get separate UTF-8 decoders. Returns false when the
   * backlog passed half the queue bound: the relay should pause reading from the target until
   * 'drain' (flow control, as with a stream's write()); ignoring it risks an overflow failure.
   */
  output(data: Buffer, stream?: OutputStream): boolean;
  /** Typed input; ignored unless the recording was opened with `captureInput`. Same return as output(). */
  input(data: Buffer): boolean;
  /** Window size change; non-positive or non-integer sizes are ignored. */
  resize(cols: number, rows: number): void;
  marker(label: string): void;
  on(event: 'failure', listener: (failure: RecordingFailure) => void): void;
  /** After output()/input() returned false, once the backlog is below a quarter of the bound. */
  on(event: 'drain', listener: () => void): void;
  /** Flushes, fsyncs and closes. Idempotent; always resolves with what reached the file. */
  close(): Promise<RecordingSeal>;
}

export interface OpenRecordingOptions {
  readonly dir: string;
  readonly sessionId: string;
  /** Epoch ms; event times are relative to it, the folders come from its UTC date. */
  readonly startedAt: number;
  readonly width: number;
  readonly height: number;
  /** e.g. `alice@db1: uptime` */
  readonly title: string;
  readonly term?: string;
  readonly shell?: string;
  readonly captureInput: boolean;
  readonly mode: RecordingMode;
  readonly clock: Clock;
  readonly onFailure?: (failure: RecordingFailure) => void;
  /** The file's size limit: the event that would pass it is dropped, a marker says so, `limit` failure. Default: none. */
  readonly maxBytes?: number | null;
  /** Defaults: 250 ms, 256 KiB (a bulk download: one write per 8 or so 32 KiB events, not per two), 8 MiB. */
  readonly flushIntervalMs?: number;
  readonly flushThresholdBytes?: number;
  readonly maxQueueBytes?: number;
}
