/**
 * A new recording file as the batch writer's BatchFile, its appends written by the recording
 * write worker with O_DIRECT (direct-write-worker.ts). Where the file system refuses O_DIRECT
 * (some network and older file systems) or the worker is lost, the file is written through the
 * page cache as before: same bytes, same offsets.
 */
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { errnoCode } from '../core/errors.js';
import type { BatchFile } from './line-batch-writer.js';
import {
  sharedDirectWriteWorker,
  type DirectTarget,
  type DirectWriteResult,
  type DirectWriteWorker,
} from './direct-write-worker.js';

export interface RecordingFile {
  readonly file: BatchFile;
  /** Whether appends go around the page cache (until the worker is lost). */
  readonly direct: boolean;
  /** Lets go of the O_DIRECT descriptor; `fh` stays the caller's. After the last write. */
  close(): Promise<void>;
}

const sizeOf = (buffers: readonly Buffer[]): number => buffers.reduce((n, b) => n + b.length, 0);

/**
 * A write the worker could not place is `lost` too: EINVAL is how O_DIRECT refuses (a device
 * whose blocks are larger than ours, a file system that takes O_DIRECT at open only): the page
 * cache takes it. Any other error is the file's.
 */
async function directly(
  target: DirectTarget,
  buffers: readonly Buffer[],
  position: number,
): Promise<DirectWriteResult> {
  try {
    return await target.write(buffers, position);
  } catch (err) {
    if (errnoCode(err) === 'EINVAL') return 'lost';
    throw err;
  }
}

/** `fh`: the new, empty file at `path`, open for writing. */
export async function recordingFile(
  path: string,
  fh: FileHandle,
  worker: DirectWriteWorker = sharedDirectWriteWorker,
): Promise<RecordingFile> {
  const plain: RecordingFile = { file: fh, direct: false, close: () => Promise.resolve() };
  let directFh: FileHandle;
  try {
    directFh = await open(path, constants.O_WRONLY | constants.O_DIRECT);
  } catch {
    return plain;
  }
  let target: DirectTarget;
  try {
    target = await worker.attach(directFh.fd, fh.fd);
  } catch {
    await directFh.close().catch(() => undefined);
    return plain;
  }
  let lost = false;
  const file: BatchFile = {
    writev: async (buffers, position) => {
      if (!lost && (await directly(target, buffers, position)) === 'written')
        return { bytesWritten: sizeOf(buffers) };
      lost = true;
      return fh.writev(buffers, position);
    },
    truncate: (length) => fh.truncate(length),
    read: (buffer, offset, length, position) => fh.read(buffer, offset, length, position),
  };
  return {
    file,
    get direct() {
      return !lost;
    },
    close: async () => {
      target.detach();
      await directFh.close();
    },
  };
}
