/**
 * A reader's copy of a recording still in the spool: hard links into the reader's folder, so the
 * upload may delete the spool's files meanwhile (serve uploads while the CLI reads). The upload
 * deletes the recording before its manifest (recording-store.ts `removeFromDir`): a manifest
 * missing while the recording is still there is one the spool never had.
 */
import { link, mkdir, stat, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { manifestPathOf, resolveRecordingPath } from '../recording/recording-path.js';

const isMissing = (e: unknown): boolean => (e as NodeJS.ErrnoException).code === 'ENOENT';

/** Whether a file is there (false only for ENOENT). */
export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (e) {
    if (isMissing(e)) return false;
    throw e;
  }
}

async function linkIfPresent(from: string, to: string): Promise<boolean> {
  try {
    await link(from, to);
    return true;
  } catch (e) {
    if (isMissing(e)) return false;
    throw e;
  }
}

/**
 * Links the spool's recording at `relativePath` and its manifest into `copyDir`; false (nothing
 * linked) when the spool no longer holds the recording: the store has it.
 */
export async function linkFromSpool(
  spoolDir: string,
  copyDir: string,
  relativePath: string,
): Promise<boolean> {
  const from = resolveRecordingPath(spoolDir, relativePath);
  const to = resolveRecordingPath(copyDir, relativePath);
  if (from === null || to === null)
    throw new Error(`${JSON.stringify(relativePath)} is not a recording path`);
  await mkdir(dirname(to), { recursive: true, mode: 0o700 });
  if (!(await linkIfPresent(from, to))) return false;
  if (await linkIfPresent(manifestPathOf(from), manifestPathOf(to))) return true;
  // No manifest: a live session's recording, or uploaded and deleted since the first link.
  if (await exists(from)) return true;
  await unlink(to);
  return false;
}
