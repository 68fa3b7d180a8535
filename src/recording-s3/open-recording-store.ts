/** The recording store config `recordings.store` names (docs/recording-storage.md). */
import type { Config } from '../config/load-config.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../logging/logger.js';
import { localRecordingStore, type RecordingStore } from '../recording/recording-store.js';
import { BucketObjects, s3Client } from './s3-objects.js';
import { s3RecordingStore } from './s3-recording-store.js';

export function openRecordingStore(
  recordings: Config['recordings'],
  clock: Clock,
  logger: Logger,
): RecordingStore {
  const settings = recordings.s3;
  if (recordings.store === 'local' || settings === null) return localRecordingStore(recordings.dir);
  const objects = new BucketObjects(s3Client(settings, logger), settings);
  return s3RecordingStore({ spoolDir: recordings.dir, settings, objects, clock, logger });
}
