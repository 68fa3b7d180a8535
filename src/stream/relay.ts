import type { Readable, Writable } from 'node:stream';
import type { TargetChannel, UserChannel } from './channels.js';
import { startPump, type FlowPump } from './flow-pump.js';

export type OutputStream = 'stdout' | 'stderr';

/** Where relayed bytes are seen on their way (the recording); false = hold the source. */
export interface RelayTap {
  output(data: Buffer, stream: OutputStream): boolean;
  input(data: Buffer): boolean;
  /** Called when a tap that returned false can take more. */
  onDrain(listener: () => void): void;
}

export interface RelayCounts {
  /** Bytes from the target to the user (stdout + stderr). */
  readonly bytesOut: number;
  readonly bytesIn: number;
}

export interface Relay {
  /** Both directions done: the target ended and was read to its end (or the user left, or stop). */
  readonly done: Promise<RelayCounts>;
  /** Stops relaying output, closes the target, and gives it a second to close before `done`. */
  stop(): void;
}

/** Resolves once everything written to `w` so far was handed on (or the channel closed). */
function flushed(w: Writable, closed: Promise<void>): Promise<void> {
  if (w.writableEnded || w.destroyed) return Promise.resolve();
  return Promise.race([new Promise<void>((res) => w.write(Buffer.alloc(0), () => res())), closed]);
}

// Ended = closed *and* read to the end: ssh2 emits a channel's 'close' as soon as the target
// closes, while output held back for a slow user is still buffered in the streams.
const readToEnd = (r: Readable): Promise<void> =>
  new Promise<void>((res) => {
    if (r.readableEnded || r.destroyed) res();
    else r.once('end', () => res()).once('close', () => r.destroyed && res()); // not ssh2's early 'close'
  });

/**
 * The byte pump between a user channel and a target channel, with backpressure: a source is
 * paused while its destination's buffer is full, and ssh2 stops adjusting the window of a channel
 * nobody reads, so a slow reader slows the writer instead of making gatehouse buffer. The same
 * holds for the tap: when it is backed up, both target streams (and the user's input) pause until
 * it drains. EOF from the user is forwarded; the user leaving closes the target. Nothing else:
 * exit statuses, notices and the end of the user's channel belong to the session.
 */
export function startRelay(
  user: UserChannel,
  target: TargetChannel,
  tap: RelayTap,
  onActivity: () => void,
): Relay {
  let bytesIn = 0;
  let bytesOut = 0;
  const userClosed = new Promise<void>((res) => user.once('close', () => res()));

  const heldForTap: FlowPump[] = [];
  const holdForTap = (...pumps: FlowPump[]): void => {
    for (const pump of pumps) {
      pump.hold('tap');
      if (!heldForTap.includes(pump)) heldForTap.push(pump);
    }
  };
  tap.onDrain(() => {
    for (const pump of heldForTap.splice(0)) pump.release('tap');
  });

  const input: FlowPump = startPump(
    user,
    target,
    (d) => {
      bytesIn += d.length;
      onActivity();
      if (!tap.input(d)) holdForTap(input);
    },
    { endDst: true },
  );
  const outputPump = (src: Readable, dst: Writable, stream: OutputStream): FlowPump =>
    startPump(
      src,
      dst,
      (d) => {
        bytesOut += d.length;
        onActivity();
        // One recorder for both streams: when it is backed up, both pause.
        if (!tap.output(d, stream)) holdForTap(stdout, stderr);
      },
      { endDst: false },
    );
  const stdout = outputPump(target, user, 'stdout');
  const stderr = outputPump(target.stderr, user.stderr, 'stderr');

  let forceEnd: () => void = () => undefined;
  const forced = new Promise<void>((res) => {
    forceEnd = res;
  });
  const targetEnded = Promise.race([
    Promise.all([
      new Promise<void>((res) => target.once('close', () => res())),
      readToEnd(target),
      readToEnd(target.stderr),
    ]),
    forced,
    userClosed,
  ]);
  void userClosed.then(() => target.close());

  const stopOutput = (): void => {
    stdout.stop();
    stderr.stop();
  };
  const done = targetEnded.then(async () => {
    stopOutput();
    input.stop();
    await flushed(user, userClosed);
    await flushed(user.stderr, userClosed);
    return { bytesOut, bytesIn };
  });

  return {
    done,
    stop: () => {
      stopOutput();
      target.close();
      // A target that does not answer the close within a second is not waited for.
      setTimeout(forceEnd, 1000).unref();
    },
  };
}
