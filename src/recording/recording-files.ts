/** The recording files actually on disk, whatever the session rows say. */
import { readdir, stat } from 'node:fs/promises';
import { sep } from 'node:path';
import { resolveRecordingPath, sessionIdOfRelativePath } from './recording-path.js';

export interface RecordingFile {
  /** `YYYY/MM/DD/<uuid>.cast`: the recording this file is or belongs to. */
  readonly castPath: string;
  readonly kind: 'cast' | 'manifest';
}

const MANIFEST_SUFFIX = '.manifest.json';

/**
 * Every `.cast` and `.cast.manifest.json` under `dir` with the recording path shape (other files,
 * such as a manifest's temporary file, are not recordings). An absent folder holds none.
 */
export async function listRecordingFiles(dir: string): Promise<RecordingFile[]> {
  let names: string[];
  try {
    names = await readdir(dir, { recursive: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  return names.sort().flatMap((name) => recordingFileOf(name.split(sep).join('/')) ?? []);
}

/** What a `/`-separated relative name is: a recording or its manifest, or null (neither). */
export function recordingFileOf(relativeName: string): RecordingFile | null {
  const kind = relativeName.endsWith(MANIFEST_SUFFIX) ? 'manifest' : 'cast';
  const castPath =
    kind === 'manifest' ? relativeName.slice(0, -MANIFEST_SUFFIX.length) : relativeName;
  return sessionIdOfRelativePath(castPath) === null ? null : { castPath, kind };
}

/** False only when the recording is certainly not there (ENOENT or not a recording path). */
export async function recordingFileExists(dir: string, relativePath: string): Promise<boolean> {
  const file = resolveRecordingPath(dir, relativePath);
  if (file === null) return false;
  return stat(file).then(
    () => true,
    (e: NodeJS.ErrnoException) => e.code !== 'ENOENT',
  );
}
