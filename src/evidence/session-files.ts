/**
 * A session's recording and signed manifest (and the kept copies it lists) as an export takes
 * them, or why it cannot.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { errnoCode, errorMessage, oneLine } from '../core/errors.js';
import type { SessionId } from '../core/model.js';
import type { Store } from '../core/ports.js';
import { prunedRecordingGap } from '../core/retention.js';
import type { Keyring } from '../keys/keyring.js';
import type { VerifyingKey } from '../keys/signing-key.js';
import { keptFileLabel } from '../recording/kept-files-check.js';
import { keptFolderOf } from '../recording/kept-transfers.js';
import { readManifest, verifyManifestSignature, type Manifest } from '../recording/manifest.js';
import { manifestPathOf, resolveRecordingPath } from '../recording/recording-path.js';
import type { RecordingReads, RecordingStore } from '../recording/recording-store.js';

export interface RecordingDeps {
  readonly store: Store;
  readonly recordingsDir: string;
  /** Where sealed recordings are read (absent: the local store, `recordingsDir`). */
  readonly recordings?: RecordingStore;
  /** The bastion's keys, current and retired: which one signed the manifest. */
  readonly keyring: Keyring;
}

export interface RecordingFiles {
  readonly sessionId: string;
  readonly castPath: string;
  readonly manifestText: Buffer;
  readonly manifest: Manifest;
  readonly key: VerifyingKey;
}

export type SessionFiles =
  | RecordingFiles
  | {
      readonly sessionId: string;
      readonly gap: string;
      /** Retention removed it; the chain's `recording.pruned` proves it (docs/retention.md). */
      readonly pruned?: true;
    };

/** A session's recording and manifest, or why they cannot be exported. */
export async function sessionFiles(
  deps: RecordingDeps,
  sessionId: string,
  reads: RecordingReads,
): Promise<SessionFiles> {
  const gap = (why: string): SessionFiles => ({ sessionId, gap: why });
  const session = await deps.store.sessions.get(sessionId as SessionId);
  if (session === null) return gap('no session row');
  if (session.endedAt === null)
    return gap('the session is live; its recording is sealed when it ends');
  if (session.recordingPath === null)
    return gap('the session has no recording (it failed to open)');
  if (session.recordingPrunedAt !== null)
    return { sessionId, gap: prunedRecordingGap(session.recordingPrunedAt), pruned: true };
  let dir: string;
  try {
    dir = await reads.dirOf(session.recordingPath);
  } catch (e) {
    return gap(`the recording store cannot be read (${oneLine(errorMessage(e), 200)})`);
  }
  const castPath = resolveRecordingPath(dir, session.recordingPath);
  if (castPath === null)
    return gap(`recording path ${JSON.stringify(session.recordingPath)} is not valid`);
  const read = await readManifest(castPath);
  if (!read.ok) return gap(`${manifestPathOf(castPath)}: ${read.problem}`);
  const key = deps.keyring.keys.find((k) => verifyManifestSignature(read.manifest, k.publicKey));
  if (key === undefined) return gap(`${manifestPathOf(castPath)}: signed by no key of the bastion`);
  try {
    const size = (await stat(castPath)).size;
    if (size !== read.manifest.bytes)
      return gap(`${castPath}: ${size} bytes, its manifest says ${read.manifest.bytes}`);
  } catch (e) {
    return gap(`${castPath}: cannot be read (${errnoCode(e)})`);
  }
  const copies = await keptCopiesGap(castPath, read.manifest);
  if (copies !== null) return gap(copies);
  const manifestText = await readFile(manifestPathOf(castPath));
  return { sessionId, castPath, manifestText, manifest: read.manifest, key };
}

/** Each kept copy its manifest lists is there at its size (its bytes are checked by the export's own verify). */
async function keptCopiesGap(castPath: string, manifest: Manifest): Promise<string | null> {
  for (const copy of keptCopies(castPath, manifest)) {
    try {
      const size = (await stat(copy.path)).size;
      if (size !== copy.bytes)
        return `${keptFileLabel(copy.entry)}: ${size} bytes, its manifest says ${copy.bytes}`;
    } catch (e) {
      return `${keptFileLabel(copy.entry)}: cannot be read (${errnoCode(e)})`;
    }
  }
  return null;
}

/** The copies a manifest lists (its entries with a file), where they are beside the recording. */
export const keptCopies = (castPath: string, manifest: Manifest) =>
  (manifest.keptTransfers?.entries ?? []).flatMap((entry) =>
    entry.file === null || entry.keptSha256 === null
      ? []
      : [
          {
            entry,
            file: entry.file,
            path: join(keptFolderOf(castPath), entry.file),
            sha256: entry.keptSha256,
            bytes: entry.keptBytes,
          },
        ],
  );
