import { randomBytes } from 'node:crypto';
import { stat, statfs, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { errnoText, fail, pass, type CheckResult } from './check-result.js';

/** Below either, new recordings are at risk (strict mode then refuses sessions). */
export const MIN_FREE_BYTES = 1024 ** 3;
export const MIN_FREE_FRACTION = 0.05;

const gib = (bytes: number): string => `${(bytes / 1024 ** 3).toFixed(1)} GiB`;

/** The recordings folder exists, is a folder, and a file can be created and removed in it. */
export async function checkRecordingsWritable(dir: string): Promise<CheckResult> {
  const check = 'recordings';
  try {
    const info = await stat(dir);
    if (!info.isDirectory())
      return fail(check, `${dir}: not a folder; set recordings.dir to a folder`);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      return fail(
        check,
        `${dir}: no such folder; create it (mkdir -p ${dir}) owned by the user gatehouse runs as`,
      );
    }
    return fail(check, `${dir}: ${errnoText(e)}`);
  }
  const probe = path.join(dir, `.gatehouse-doctor-${randomBytes(6).toString('hex')}`);
  try {
    await writeFile(probe, 'probe\n', { flag: 'wx', mode: 0o600 });
  } catch (e) {
    return fail(
      check,
      `${dir}: cannot create a file (${errnoText(e)}); make it writable by the user gatehouse runs as`,
    );
  }
  try {
    await unlink(probe);
  } catch (e) {
    return fail(check, `${dir}: created ${probe} but cannot remove it (${errnoText(e)})`);
  }
  return pass(check, `${dir} is writable`);
}

/** Free space for recordings: at least MIN_FREE_BYTES and MIN_FREE_FRACTION of the file system. */
export async function checkRecordingsSpace(dir: string): Promise<CheckResult> {
  const check = 'recordings space';
  let free: number;
  let total: number;
  try {
    const fs = await statfs(dir);
    free = fs.bavail * fs.bsize;
    total = fs.blocks * fs.bsize;
  } catch (e) {
    return fail(check, `${dir}: cannot read the file system's free space (${errnoText(e)})`);
  }
  const fraction = total > 0 ? free / total : 0;
  const shown = `${gib(free)} free (${(fraction * 100).toFixed(1)}% of ${gib(total)})`;
  if (free < MIN_FREE_BYTES || fraction < MIN_FREE_FRACTION) {
    return fail(
      check,
      `${dir}: only ${shown}; need at least ${gib(MIN_FREE_BYTES)} and ${MIN_FREE_FRACTION * 100}%: free space or move recordings.dir`,
    );
  }
  return pass(check, `${dir}: ${shown}`);
}
