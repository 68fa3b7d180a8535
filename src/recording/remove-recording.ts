/**
 * A recording's files as retention sees them, and the one place they are deleted (issue 17,
 * docs/retention.md): the cast, its signed manifest and the folder of kept transfer files beside
 * them (`<uuid>.kept/`). Every removal of recording files goes through removeRecording, so
 * another recording store (S3) is one function to route.
 */
import { lstat, readdir, rm, rmdir } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { errnoCode, GatehouseError, isMissing } from '../core/errors.js';
import type { PrunedFile } from '../core/retention-payloads.js';
import { fileSha256 } from './file-sha256.js';
import { keptFolderIn } from './kept-transfers.js';
import { manifestPathOf, resolveRecordingPath } from './recording-path.js';

/** One file of a recording: its path relative to the recordings dir, and its size. */
export interface RecordingFileSize {
  readonly path: string;
  readonly bytes: number;
}

function absoluteCast(dir: string, castPath: string): string {
  const abs = resolveRecordingPath(dir, castPath);
  if (abs === null)
    throw new GatehouseError('invalid', 'recording: the path is not a recording path');
  return abs;
}

async function sizeOf(abs: string): Promise<number | null> {
  try {
    const st = await lstat(abs);
    return st.isFile() ? st.size : null;
  } catch (e) {
    if (isMissing(e)) return null;
    throw e;
  }
}

/** The regular files under a folder, recursively; none when it is absent. */
async function filesUnder(abs: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(abs, { recursive: true });
  } catch (e) {
    if (isMissing(e) || errnoCode(e) === 'ENOTDIR') return [];
    throw e;
  }
  return names.sort().map((name) => join(abs, name));
}

/** The recording's files that exist, cast first, then its manifest, then kept transfer files. */
export async function measureRecording(
  dir: string,
  castPath: string,
): Promise<RecordingFileSize[]> {
  const cast = absoluteCast(dir, castPath);
  const candidates = [
    cast,
    manifestPathOf(cast),
    ...(await filesUnder(keptFolderIn(dir, castPath))),
  ];
  const files: RecordingFileSize[] = [];
  for (const abs of candidates) {
    const bytes = await sizeOf(abs);
    if (bytes !== null) files.push({ path: relative(dir, abs).split(sep).join('/'), bytes });
  }
  return files;
}

/** measureRecording with each file's sha256, read now: what a prune is about to delete. */
export async function hashRecording(dir: string, castPath: string): Promise<PrunedFile[]> {
  const files: PrunedFile[] = [];
  for (const f of await measureRecording(dir, castPath))
    files.push({ path: f.path, ...(await fileSha256(join(dir, ...f.path.split('/')))) });
  return files;
}

/**
 * Deletes a recording's cast, kept transfer files and manifest from `dir` (absent ones are fine),
 * the cast first and the manifest last: a reader linking from the spool takes a manifest without
 * its cast as one being deleted (recording-s3/spool-copy.ts). Returns the cast's absolute path.
 */
export async function removeRecordingFiles(dir: string, castPath: string): Promise<string> {
  const cast = absoluteCast(dir, castPath);
  await rm(cast, { force: true });
  await rm(keptFolderIn(dir, castPath), { recursive: true, force: true });
  await rm(manifestPathOf(cast), { force: true });
  return cast;
}

/**
 * Deletes the recording's cast, manifest and kept transfer files (absent ones are fine), then
 * its day, month and year folders when that left them empty. Rejects when anything could not be
 * deleted.
 */
export async function removeRecording(dir: string, castPath: string): Promise<void> {
  const cast = await removeRecordingFiles(dir, castPath);
  const root = resolve(dir);
  for (let folder = dirname(resolve(cast)); folder.startsWith(`${root}${sep}`);) {
    const removed = await rmdir(folder).then(
      () => true,
      () => false, // not empty (another recording of that day), or already gone
    );
    if (!removed) break;
    folder = dirname(folder);
  }
}
