import type { ClientChannel, ServerChannel } from 'ssh2';
import type { Writable } from 'node:stream';

export interface RelayResult {
  readonly exitStatus: number | null;
  readonly exitSignal: string | null;
  /** Bytes from the target to the user (stdout + stderr). */
  readonly bytesOut: number;
  readonly bytesIn: number;
}

export interface Relay {
  readonly done: Promise<RelayResult>;
  /** Forwards a window-change or a signal to the target. */
  resize(cols: number, rows: number, height: number, width: number): void;
  signal(name: string): void;
  /**
   * Ends the relay from our side: writes `line` on the user's stderr, closes the target channel,
   * reports `exitStatus` and closes the user's channel.
   */
  terminate(line: string, exitStatus: number): void;
}

/** Resolves once everything written to `w` so far was handed to ssh2 (or the channel closed). */
function flushed(w: Writable, closed: Promise<void>): Promise<void> {
  if (w.writableEnded || w.destroyed) return Promise.resolve();
  return Promise.race([new Promise<void>((res) => w.write(Buffer.alloc(0), () => res())), closed]);
}

/**
 * Bytes both ways with backpressure: pipe() stops reading when the other side's window is full,
 * and ssh2 stops adjusting the window of a channel nobody reads, so a slow reader slows the writer
 * instead of making gatehouse buffer. EOF from the user is forwarded; the target's exit status or
 * signal is sent back before the user's channel closes.
 */
export function startRelay(
  user: ServerChannel,
  target: ClientChannel,
  hooks: { onActivity(): void; onOutput?(data: Buffer): void },
  crlf: boolean,
): Relay {
  let bytesIn = 0;
  let bytesOut = 0;
  let exitStatus: number | null = null;
  let exitSignal: { name: string; dump: boolean; desc: string } | null = null;
  let overridden: number | null = null;
  const userClosed = new Promise<void>((res) => user.once('close', () => res()));

  user.on('data', (d: Buffer) => {
    bytesIn += d.length;
    hooks.onActivity();
  });
  const onOut = (d: Buffer): void => {
    bytesOut += d.length;
    hooks.onActivity();
    hooks.onOutput?.(d);
  };
  target.on('data', onOut);
  target.stderr.on('data', onOut);
  user.pipe(target);
  target.pipe(user, { end: false });
  target.stderr.pipe(user.stderr, { end: false });

  target.on('exit', (code: number | null, signal?: string, dump?: boolean, desc?: string) => {
    if (typeof code === 'number') exitStatus = code;
    else if (signal !== undefined) exitSignal = { name: signal, dump: dump === true, desc: desc ?? '' };
  });

  let forceEnd: () => void = () => undefined;
  const forced = new Promise<void>((res) => {
    forceEnd = res;
  });
  const targetEnded = Promise.race([
    Promise.all([
      new Promise<void>((res) => target.once('close', () => res())),
      new Promise<void>((res) => (target.readableEnded ? res() : target.once('end', () => res()).once('close', () => res()))),
    ]),
    forced,
  ]);
  // The user went away: close the target side too.
  void userClosed.then(() => target.close());

  const done = targetEnded.then(async () => {
    target.unpipe(user);
    target.stderr.unpipe(user.stderr);
    user.unpipe(target);
    await flushed(user, userClosed);
    await flushed(user.stderr, userClosed);
    if (overridden !== null) user.exit(overridden);
    else if (exitStatus !== null) user.exit(exitStatus);
    else if (exitSignal !== null) {
      try {
        user.exit(exitSignal.name, exitSignal.dump, exitSignal.desc);
      } catch {
        user.exit(255);
      }
    }
    user.end();
    return { exitStatus: overridden ?? exitStatus, exitSignal: exitSignal?.name ?? null, bytesOut, bytesIn };
  });

  return {
    done,
    resize: (cols, rows, height, width) => target.setWindow(rows, cols, height, width),
    signal: (name) => {
      try {
        target.signal(name);
      } catch {
        // an unknown signal name: ignored, as OpenSSH's sshd does
      }
    },
    terminate: (line, status) => {
      if (overridden !== null) return;
      overridden = status;
      target.unpipe(user);
      target.stderr.unpipe(user.stderr);
      user.stderr.write(crlf ? `\r\n${line}\r\n` : `${line}\n`);
      target.close();
      // A target that does not answer the close within a second is not waited for.
      setTimeout(forceEnd, 1000).unref();
    },
  };
}
