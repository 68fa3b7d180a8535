import type { Readable, Writable } from 'node:stream';
import type { ClientChannel, ServerChannel } from 'ssh2';
import { onChannelExit } from './channel-exit.js';
import { startPump, type FlowPump } from './flow-pump.js';
import type { SessionTap, TapStream } from '../session/ports.js';

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

const BEFORE_EXIT_WAIT_MS = 10_000;

/** Resolves once everything written to `w` so far was handed to ssh2 (or the channel closed). */
function flushed(w: Writable, closed: Promise<void>): Promise<void> {
  if (w.writableEnded || w.destroyed) return Promise.resolve();
  return Promise.race([new Promise<void>((res) => w.write(Buffer.alloc(0), () => res())), closed]);
}

/**
 * Bytes both ways with backpressure: a source is paused while its destination's buffer is full,
 * and ssh2 stops adjusting the window of a channel nobody reads, so a slow reader slows the writer
 * instead of making gatehouse buffer. The same holds for the recorder (`tap`): when it is backed
 * up, both target streams (and the user's input, when captured) pause until it drains. EOF from
 * the user is forwarded; the target's exit status or signal is sent back before the user's
 * channel closes.
 */
export function startRelay(
  user: ServerChannel,
  target: ClientChannel,
  hooks: {
    onActivity(): void;
    onOutput?(data: Buffer): void;
    readonly tap?: SessionTap | null;
    /**
     * Runs after the target ended and before the user's channel gets the exit status and closes
     * (sealing the recording and the session row, so that both are done when ssh returns). Waited
     * for at most BEFORE_EXIT_WAIT_MS.
     */
    beforeExit?(result: RelayResult): Promise<void>;
  },
  crlf: boolean,
): Relay {
  let bytesIn = 0;
  let bytesOut = 0;
  let exitStatus: number | null = null;
  let exitSignal: { name: string; dump: boolean; desc: string } | null = null;
  let overridden: number | null = null;
  const tap = hooks.tap ?? null;
  const userClosed = new Promise<void>((res) => user.once('close', () => res()));

  const tapped: FlowPump[] = [];
  const holdForTap = (pump: FlowPump): void => {
    pump.hold('tap');
    if (!tapped.includes(pump)) tapped.push(pump);
  };
  tap?.onDrain(() => {
    for (const pump of tapped.splice(0)) pump.release('tap');
  });

  const input: FlowPump = startPump(
    user,
    target,
    (d) => {
      bytesIn += d.length;
      hooks.onActivity();
      if (tap !== null && !tap.input(d)) holdForTap(input);
    },
    { endDst: true },
  );
  const outputPump = (src: Readable, dst: Writable, stream: TapStream): FlowPump => {
    const pump: FlowPump = startPump(
      src,
      dst,
      (d) => {
        bytesOut += d.length;
        hooks.onActivity();
        hooks.onOutput?.(d);
        // One recorder for both streams: when it is backed up, both pause.
        if (tap !== null && !tap.output(d, stream)) {
          holdForTap(stdout);
          holdForTap(stderr);
        }
      },
      { endDst: false },
    );
    return pump;
  };
  const stdout = outputPump(target, user, 'stdout');
  const stderr = outputPump(target.stderr, user.stderr, 'stderr');
  const stopOutput = (): void => {
    stdout.stop();
    stderr.stop();
  };

  onChannelExit(target, (exit) => {
    if (exit.code !== null) exitStatus = exit.code;
    else if (exit.signal !== null) exitSignal = { name: exit.signal, dump: exit.dump, desc: exit.desc };
  });

  let forceEnd: () => void = () => undefined;
  const forced = new Promise<void>((res) => {
    forceEnd = res;
  });
  // Ended = closed *and* both streams read to their end: ssh2 emits the channel's 'close' as soon
  // as the target closes, while output held back for a slow user is still buffered in the
  // streams; stopping the pumps then dropped it (stderr lost its tail under backpressure).
  const readToEnd = (r: Readable): Promise<void> =>
    new Promise<void>((res) => {
      if (r.readableEnded || r.destroyed) res();
      else r.once('end', () => res()).once('close', () => r.destroyed && res()); // not ssh2's early 'close'
    });
  const targetEnded = Promise.race([
    Promise.all([new Promise<void>((res) => target.once('close', () => res())), readToEnd(target), readToEnd(target.stderr)]),
    forced,
    userClosed,
  ]);
  // The user went away: close the target side too.
  void userClosed.then(() => target.close());

  const done = targetEnded.then(async () => {
    stopOutput();
    input.stop();
    await flushed(user, userClosed);
    await flushed(user.stderr, userClosed);
    const result = { exitStatus: overridden ?? exitStatus, exitSignal: exitSignal?.name ?? null, bytesOut, bytesIn };
    if (hooks.beforeExit !== undefined) {
      const waited = hooks.beforeExit(result).catch(() => undefined);
      await Promise.race([waited, userClosed, new Promise((res) => setTimeout(res, BEFORE_EXIT_WAIT_MS).unref())]);
    }
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
    return result;
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
      stopOutput();
      const text = crlf ? `\r\n${line}\r\n` : `${line}\n`;
      user.stderr.write(text);
      tap?.output(Buffer.from(text, 'utf8'), 'stderr');
      target.close();
      // A target that does not answer the close within a second is not waited for.
      setTimeout(forceEnd, 1000).unref();
    },
  };
}
