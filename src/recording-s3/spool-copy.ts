/**
 * A reader's copy of a recording still in the spool: hard links into the reader's folder, so the
 * upload may delete the spool's files meanwhile (serve uploads while the CLI reads). The upload
 * deletes the recording before its manifest (recording/remove-recording.ts `removeRecordingFiles`): a manifest
 * missing while the recording is still there is one the spool never had.
 */
import { link, mkdir, readdir, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { isMissing } from '../core/errors.js';
import { isKeptFileName } from '../core/kept-transfers.js';
import { keptFolderIn } from '../recording/kept-transfers.js';
import { manifestPathOf, resolveRecordingPath } from '../recording/recording-path.js';

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

/** The kept transfer copies beside a recording in `dir`, by name; none when there is no folder. */
export async function keptNames(dir: string, relativePath: string): Promise<string[]> {
  const names = await readdir(keptFolderIn(dir, relativePath)).catch((e: unknown) => {
    if (isMissing(e)) return [];
    throw e;
  });
  return names.filter(isKeptFileName).sort();
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
  const kept = await keptNames(spoolDir, relativePath);
  if (kept.length > 0) {
    const folder = (dir: string): string => keptFolderIn(dir, relativePath);
    await mkdir(folder(copyDir), { recursive: true, mode: 0o700 });
    for (const name of kept)
      await linkIfPresent(join(folder(spoolDir), name), join(folder(copyDir), name));
  }
  if (await linkIfPresent(manifestPathOf(from), manifestPathOf(to))) return true;
  // No manifest: a live session's recording, or uploaded and deleted since the first link.
  if (await exists(from)) return true;
  await unlink(to);
  return false;
}
