/**
 * Follows a recording as the recorder appends to it (the recorder flushes at least every 250 ms):
 * the header, then every complete event line in order, from the start of the file, until the
 * session has ended and the rest of the file is read. Pulls one chunk at a time and waits for
 * the consumer between lines, so a slow watcher costs one chunk of memory and never holds up the
 * recorder. Used by the review page's live view and `gatehouse session watch`.
 */
import { open } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CastEvent, CastHeader } from './asciicast-encoder.js';
import { CastLineChecker, parseHeaderLine } from './cast-format.js';

export interface CastFollowerOptions {
  /** True once the session has ended (its row ended): the file is then read to its end. */
  readonly ended: () => Promise<boolean>;
  readonly onHeader: (header: CastHeader) => Promise<void> | void;
  readonly onEvent: (event: CastEvent) => Promise<void> | void;
  /** Stops following (the watcher left, shutdown). */
  readonly signal?: AbortSignal;
  /** How often the end of the file is read again (default 100 ms). */
  readonly pollMs?: number;
  /** How often, in polls that found nothing, `ended` is asked (default every 5th). */
  readonly endCheckEvery?: number;
}

export type FollowEnd = 'ended' | 'stopped';

export class CastFollowError extends Error {
  override readonly name = 'CastFollowError';
}

const CHUNK = 64 * 1024;
/** The recorder writes lines of at most a few hundred KiB; anything longer is not a recording. */
const MAX_LINE_BYTES = 8 * 1024 * 1024;

export async function followCast(path: string, options: CastFollowerOptions): Promise<FollowEnd> {
  const pollMs = options.pollMs ?? 100;
  const endCheckEvery = options.endCheckEvery ?? 5;
  const checker = new CastLineChecker();
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(CHUNK);
    let position = 0;
    let pending: Buffer = Buffer.alloc(0);
    let idle = 0;
    let endSeen = false;
    const deliver = async (line: string): Promise<void> => {
      const r = checker.check(line);
      if (!r.ok) throw new CastFollowError(`the recording is damaged: ${r.problem}`);
      if (r.value !== null) await options.onEvent(r.value);
      else {
        const header = parseHeaderLine(line);
        if (header.ok) await options.onHeader(header.value);
      }
    };
    for (;;) {
      if (options.signal?.aborted) return 'stopped';
      const { bytesRead } = await fh.read(buf, 0, CHUNK, position);
      if (bytesRead > 0) {
        position += bytesRead;
        idle = 0;
        let data = Buffer.concat([pending, buf.subarray(0, bytesRead)]);
        for (let nl = data.indexOf(10); nl !== -1; nl = data.indexOf(10)) {
          await deliver(data.subarray(0, nl).toString('utf8'));
          if (options.signal?.aborted) return 'stopped';
          data = data.subarray(nl + 1);
        }
        pending = Buffer.from(data);
        if (pending.length > MAX_LINE_BYTES)
          throw new CastFollowError('the recording has a line longer than 8 MiB');
        continue;
      }
      // Nothing new. Once the session is known to have ended, one more read finds its last lines.
      if (endSeen) return 'ended';
      idle += 1;
      if ((idle - 1) % endCheckEvery === 0) endSeen = await options.ended();
      if (!endSeen) await sleep(pollMs, undefined, { signal: options.signal }).catch(() => {});
    }
  } finally {
    await fh.close();
  }
}
