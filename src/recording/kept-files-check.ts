/**
 * The kept copies of a transfer session (recordings.keepTransfers) against its signed manifest:
 * each listed copy is read whole and its size and sha256 compared. The first problem names the
 * copy and the file it is a copy of.
 */
import { join } from 'node:path';
import { errnoCode } from '../core/errors.js';
import type { KeptTransfer, KeptTransfers } from '../core/kept-transfers.js';
import { fileSha256 } from './file-sha256.js';
import { keptFolderOf } from './kept-transfers.js';

/** `kept file 000002 (download "/var/log/syslog")`: the copy and, as data, what it copies. */
export const keptFileLabel = (entry: KeptTransfer): string =>
  `kept file ${entry.file ?? '(none)'} (${entry.direction} ${JSON.stringify(entry.path)})`;

/** The first problem with the copies beside `castPath`, or null when each is as listed. */
export async function checkKeptFiles(
  castPath: string,
  kept: KeptTransfers,
): Promise<string | null> {
  const folder = keptFolderOf(castPath);
  for (const entry of kept.entries) {
    if (entry.file === null) continue;
    let found;
    try {
      found = await fileSha256(join(folder, entry.file));
    } catch (err) {
      const code = errnoCode(err);
      return `${keptFileLabel(entry)} ${code === 'ENOENT' ? 'is missing' : `cannot be read (${code})`}`;
    }
    if (found.bytes !== entry.keptBytes)
      return `${keptFileLabel(entry)} has ${found.bytes} bytes, the manifest says ${entry.keptBytes}`;
    if (found.sha256 !== entry.keptSha256)
      return `${keptFileLabel(entry)} sha256 differs from the manifest's (content edited)`;
  }
  return null;
}
