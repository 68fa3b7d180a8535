/**
 * A fix for ssh2 (1.17) channels whose stdout and stderr both wait for the peer's window.
 *
 * ssh2 parks a write that does not fit the window in `_chunk`/`_chunkcb` (stdout) or
 * `_chunkErr`/`_chunkcbErr` (stderr) and, on WINDOW_ADJUST, resumes `_chunk` if set, else the
 * stderr one. It never clears them, so:
 * - once stdout has waited, a later stderr write that waits is never resumed: the stale stdout
 *   chunk is written again instead (duplicate bytes to the user) and its callback runs twice;
 * - when both wait at once, only stdout is resumed and stderr waits forever (a session ended by
 *   gatehouse during a large download never closed: its message went to the waiting stderr).
 * Patched here: a resumed write forgets what it was parked as, and when one stream's write
 * completes, a parked write of the other stream continues if the window allows.
 */
import { createRequire } from 'node:module';

type WriteCallback = (err?: Error | null) => void;
type WriteFn = (
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- ssh2 internals: the receiver differs per prototype
  this: any,
  data: Buffer,
  encoding: BufferEncoding | null,
  cb: WriteCallback,
) => void;

interface ChannelInternals {
  _chunk: Buffer | undefined;
  _chunkcb: WriteCallback | undefined;
  _chunkErr: Buffer | undefined;
  _chunkcbErr: WriteCallback | undefined;
  readonly outgoing: { readonly window: number; readonly state: string };
  readonly stderr: { _write: WriteFn };
  _write: WriteFn;
}

interface ChannelModule {
  readonly Channel: {
    new (client: unknown, info: unknown, opts: { server: boolean }): ChannelInternals;
    readonly prototype: { _write: WriteFn };
  };
}

let installed = false;

function resumeParkedStderr(channel: ChannelInternals): void {
  const data = channel._chunkErr;
  const cb = channel._chunkcbErr;
  if (data === undefined || cb === undefined || channel.outgoing.window <= 0) return;
  channel.stderr._write(data, null, cb);
}

function resumeParkedStdout(channel: ChannelInternals): void {
  const data = channel._chunk;
  const cb = channel._chunkcb;
  if (data === undefined || cb === undefined || channel.outgoing.window <= 0) return;
  channel._write(data, null, cb);
}

/** Idempotent; call before any channel carries data (createBastion does). */
export function installSsh2WindowFix(): void {
  if (installed) return;
  installed = true;
  const require = createRequire(import.meta.url);
  const { Channel } = require('ssh2/lib/Channel.js') as ChannelModule;
  // ServerStderr is not exported: reach its prototype through a channel that is never used.
  const sample = new Channel({}, { type: 'session', incoming: {}, outgoing: {} }, { server: true });
  const stderrProto = Object.getPrototypeOf(sample.stderr) as { _write: WriteFn };

  const stdoutWrite = Channel.prototype._write;
  Channel.prototype._write = function (this: ChannelInternals, data, encoding, cb) {
    this._chunk = undefined;
    this._chunkcb = undefined;
    stdoutWrite.call(this, data, encoding, (err) => {
      cb(err);
      if (err == null) resumeParkedStderr(this);
    });
  };

  const stderrWrite = stderrProto._write;
  stderrProto._write = function (this: { _channel: ChannelInternals }, data, encoding, cb) {
    const channel = this._channel;
    channel._chunkErr = undefined;
    channel._chunkcbErr = undefined;
    stderrWrite.call(this, data, encoding, (err) => {
      cb(err);
      if (err == null) resumeParkedStdout(channel);
    });
  };
}
