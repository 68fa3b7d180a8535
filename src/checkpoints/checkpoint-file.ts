/**
 * The append-only JSON-lines checkpoint file (`audit.checkpointSink.file`): one checkpoint per
 * line, opened O_APPEND for each line and fsync'd before the delivery counts. Put it on other
 * storage than the database (another disk, a mounted append-only share): it is the copy an
 * attacker with the database alone cannot rewrite.
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { parseCheckpoint, type AuditCheckpoint } from '../core/audit-checkpoint.js';
import { errnoCode, GatehouseError } from '../core/errors.js';
import { checkpointJson, type CheckpointSink } from './checkpoint-sink.js';

async function appendCheckpointLine(file: string, cp: AuditCheckpoint): Promise<void> {
  // 'a' = O_WRONLY | O_CREAT | O_APPEND: every line lands at the end, whoever else appends.
  const fh = await open(file, 'a', 0o640);
  try {
    await fh.write(`${checkpointJson(cp)}\n`);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export function fileSink(file: string): CheckpointSink {
  let queue = Promise.resolve();
  return {
    name: 'file',
    deliver: (cp) => {
      // One append at a time, so lines from this process never interleave.
      const done = queue.then(() =>
        appendCheckpointLine(file, cp).catch((e: unknown) => {
          throw new Error(`cannot append to ${file} (${errnoCode(e)})`);
        }),
      );
      queue = done.catch(() => undefined);
      return done;
    },
    close: () => undefined,
  };
}

export interface CheckpointFile {
  readonly checkpoints: AuditCheckpoint[];
  /** 1-based numbers of lines that are not a checkpoint. */
  readonly badLines: number[];
}

/** Longest line read; a checkpoint line is about 250 bytes. */
const MAX_LINE = 4096;

/** Reads a sink file; a missing or unreadable file is a GatehouseError naming it. */
export async function readCheckpointFile(file: string): Promise<CheckpointFile> {
  const checkpoints: AuditCheckpoint[] = [];
  const badLines: number[] = [];
  const stream = createReadStream(file, { encoding: 'utf8' });
  try {
    const lines = createInterface({ input: stream, crlfDelay: Infinity });
    let n = 0;
    for await (const line of lines) {
      n += 1;
      if (line.trim() === '') continue;
      let cp: AuditCheckpoint | null = null;
      if (line.length <= MAX_LINE) {
        try {
          cp = parseCheckpoint(JSON.parse(line));
        } catch {
          cp = null;
        }
      }
      if (cp === null) badLines.push(n);
      else checkpoints.push(cp);
    }
  } catch (e) {
    throw new GatehouseError('invalid', `audit: cannot read ${file} (${errnoCode(e)})`);
  } finally {
    stream.destroy();
  }
  return { checkpoints, badLines };
}

/** The configured sink file when it exists (null: none configured, or not there). */
export async function presentSinkFile(file: string | null): Promise<string | null> {
  if (file === null) return null;
  const present = await stat(file).then(
    () => true,
    (e: NodeJS.ErrnoException) => e.code !== 'ENOENT',
  );
  return present ? file : null;
}
