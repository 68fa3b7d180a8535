/**
 * `recordings.store: s3` (docs/recording-storage.md): sessions write to the spool; a sealed
 * recording and its manifest are uploaded, their sha256 confirmed, and only then deleted from the
 * spool. Readers read the spool while the upload is pending, the bucket after.
 */
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Clock } from '../core/clock.js';
import { isKeptFileName } from '../core/kept-transfers.js';
import { storeOutage } from '../core/upload-outage.js';
import type { Logger } from '../logging/logger.js';
import {
  listRecordingFiles,
  recordingFileOf,
  type RecordingFile,
} from '../recording/recording-files.js';
import { keptFolderIn, keptFolderOf } from '../recording/kept-transfers.js';
import { manifestPathOf, resolveRecordingPath } from '../recording/recording-path.js';
import type { RecordingCopy, RecordingStore } from '../recording/recording-store.js';
import { removeRecordingFiles } from '../recording/remove-recording.js';
import type { BucketObjects, S3Settings } from './s3-objects.js';
import { exists, keptNames, linkFromSpool } from './spool-copy.js';
import { UploadQueue } from './upload-queue.js';

/** Uploads at once: enough to keep up with sessions ending, little against a slow store. */
const UPLOAD_CONCURRENCY = 2;
/** Readers' copies live in the spool's folder (same file system, so the links work). */
const COPY_PREFIX = '.read-';

export interface S3StoreDeps {
  readonly spoolDir: string;
  readonly settings: S3Settings;
  readonly objects: BucketObjects;
  readonly clock: Clock;
  readonly logger: Logger;
}

export function s3RecordingStore(deps: S3StoreDeps): RecordingStore {
  const { spoolDir, settings, objects, clock, logger } = deps;
  const keyOf = (relativePath: string): string => `${settings.prefix}${relativePath}`;
  const manifestKeyOf = (relativePath: string): string => `${keyOf(relativePath)}.manifest.json`;
  /** The prefix of a recording's kept transfer copies (`<uuid>.kept/000001`, …). */
  const keptPrefixOf = (relativePath: string): string => `${keyOf(keptFolderOf(relativePath))}/`;

  const upload = async (relativePath: string, signal: AbortSignal): Promise<void> => {
    const castPath = resolveRecordingPath(spoolDir, relativePath);
    if (castPath === null)
      throw new Error(`${JSON.stringify(relativePath)} is not a recording path`);
    // Both are deleted only after both were uploaded: a manifest alone is one whose recording
    // was deleted before a crash (or by retention); it goes too.
    if (!(await exists(castPath))) {
      await removeRecordingFiles(spoolDir, relativePath);
      return;
    }
    const checks = [await objects.put(keyOf(relativePath), castPath, clock.now(), signal)];
    // The kept copies before the manifest that lists them: the manifest goes up last.
    for (const name of await keptNames(spoolDir, relativePath))
      checks.push(
        await objects.put(
          `${keptPrefixOf(relativePath)}${name}`,
          join(keptFolderIn(spoolDir, relativePath), name),
          clock.now(),
          signal,
        ),
      );
    const manifestPath = manifestPathOf(castPath);
    if (await exists(manifestPath))
      checks.push(
        await objects.put(manifestKeyOf(relativePath), manifestPath, clock.now(), signal),
      );
    await removeRecordingFiles(spoolDir, relativePath);
    logger.info({ path: relativePath, bucket: settings.bucket, checks }, 'recording uploaded');
  };
  const uploads = new UploadQueue(upload, { concurrency: UPLOAD_CONCURRENCY, clock, logger });

  const download = async (copyDir: string, relativePath: string): Promise<void> => {
    const castPath = resolveRecordingPath(copyDir, relativePath);
    if (castPath === null)
      throw new Error(`${JSON.stringify(relativePath)} is not a recording path`);
    await mkdir(dirname(castPath), { recursive: true, mode: 0o700 });
    if (!(await objects.download(keyOf(relativePath), castPath))) return;
    const kept = await objects.keys(keptPrefixOf(relativePath));
    if (kept.length > 0) {
      const folder = keptFolderIn(copyDir, relativePath);
      await mkdir(folder, { recursive: true, mode: 0o700 });
      for (const key of kept) {
        const name = key.slice(keptPrefixOf(relativePath).length);
        if (isKeptFileName(name)) await objects.download(key, join(folder, name));
      }
    }
    await objects.download(manifestKeyOf(relativePath), manifestPathOf(castPath));
  };

  return {
    spoolDir,
    async fetch(relativePath): Promise<RecordingCopy> {
      await mkdir(spoolDir, { recursive: true, mode: 0o700 });
      const dir = await mkdtemp(join(spoolDir, COPY_PREFIX));
      const release = (): Promise<void> => rm(dir, { recursive: true, force: true });
      try {
        if (!(await linkFromSpool(spoolDir, dir, relativePath))) await download(dir, relativePath);
        return { dir, release };
      } catch (e) {
        await release();
        throw e;
      }
    },
    async list(): Promise<RecordingFile[]> {
      const inBucket = (await objects.keys(settings.prefix)).flatMap(
        (key) => recordingFileOf(key.slice(settings.prefix.length)) ?? [],
      );
      const seen = new Set(inBucket.map((f) => `${f.kind} ${f.castPath}`));
      const spooled = (await listRecordingFiles(spoolDir)).filter(
        (f) => !seen.has(`${f.kind} ${f.castPath}`),
      );
      return [...inBucket, ...spooled].sort((a, b) => (a.castPath < b.castPath ? -1 : 1));
    },
    async remove(relativePath): Promise<void> {
      await removeRecordingFiles(spoolDir, relativePath);
      await objects.delete(keyOf(relativePath));
      for (const key of await objects.keys(keptPrefixOf(relativePath))) await objects.delete(key);
      await objects.delete(manifestKeyOf(relativePath));
    },
    keep: (relativePath) => uploads.add(relativePath),
    async resume(): Promise<void> {
      await removeStaleCopies(spoolDir, clock.now());
      const sealed = (await listRecordingFiles(spoolDir)).filter((f) => f.kind === 'manifest');
      for (const f of sealed) uploads.add(f.castPath);
      if (sealed.length > 0)
        logger.info({ recordings: sealed.length }, 'uploading recordings an earlier run left');
    },
    outage: () => storeOutage(uploads.health, clock.now(), settings.strictOutageMs),
    close: () => uploads.close(),
  };
}

/** A reader's copy lives for one read; older ones were left by a killed process. */
const STALE_COPY_MS = 3_600_000;

async function removeStaleCopies(spoolDir: string, now: number): Promise<void> {
  const names = await readdir(spoolDir).catch(() => []);
  for (const name of names) {
    if (!name.startsWith(COPY_PREFIX)) continue;
    const path = join(spoolDir, name);
    const mtimeMs = await stat(path).then(
      (st) => st.mtimeMs,
      () => now,
    );
    if (now - mtimeMs > STALE_COPY_MS) await rm(path, { recursive: true, force: true });
  }
}
