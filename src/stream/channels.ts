/**
 * The two ends a session joins, as small interfaces of our own: ssh2's ServerChannel and
 * ClientChannel fit them structurally, and so do the channels gatehouse plays itself
 * (restricted prompt, command targets). Code behind these interfaces never imports ssh2.
 */
import type { Duplex, Readable, Writable } from 'node:stream';

/** The user's side of a session channel: stdout is the Duplex, stderr a separate Writable. */
export interface UserChannel extends Duplex {
  readonly stderr: Writable;
  exit(status: number): void;
  exit(signalName: string, coreDumped?: boolean, errorMsg?: string): void;
}

/** The target's side: output on the Duplex and `.stderr`, an `exit` event, `close` when done. */
export interface TargetChannel extends Duplex {
  readonly stderr: Readable;
  setWindow(rows: number, cols: number, height: number, width: number): void;
  signal(signalName: string): void;
  close(): void;
}

/** A terminal the client asked for (ssh `pty-req`), with later window changes applied. */
export interface Pty {
  readonly term: string;
  readonly cols: number;
  readonly rows: number;
  readonly width: number;
  readonly height: number;
  /** Terminal modes as the client sent them (opaque here; passed on to an ssh target). */
  readonly modes: Readonly<Record<string, number | undefined>>;
}
