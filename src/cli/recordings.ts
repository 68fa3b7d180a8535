import type { Config } from '../config/load-config.js';
import { silentLogger } from '../logging/logger.js';
import type { RecordingStore } from '../recording/recording-store.js';
import { openRecordingStore } from '../recording-s3/open-recording-store.js';
import type { CliContext } from './context.js';

/** The recording store, as the CLI reads it (it never uploads: serve does). */
export const recordingsOf = (ctx: CliContext, config: Config): RecordingStore =>
  openRecordingStore(config.recordings, ctx.clock, silentLogger());
