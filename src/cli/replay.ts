import { readFile } from 'node:fs/promises';
import { setTimeout as sleepFor } from 'node:timers/promises';
import type { Command } from 'commander';
import { auditEvents } from '../core/audit-events.js';
import { errorMessage, GatehouseError, oneLine } from '../core/errors.js';
import { prunedRecordingLine } from '../core/retention.js';
import type { SessionId } from '../core/model.js';
import { quoteForMessage } from '../core/names.js';
import type { CastEvent, CastHeader } from '../recording/asciicast-encoder.js';
import { sessionRecordingPath } from '../recording/recording-path.js';
import { withRecording, type RecordingStore } from '../recording/recording-store.js';
import { recordingsOf } from './recordings.js';
import {
  CastFormatError,
  playback,
  readCast,
  renderText,
  sanitizeForTerminal,
  TERMINAL_RESET,
} from '../recording/replay.js';
import type { CliContext } from './context.js';
import { findSession, requireSessionRef } from './session-ref.js';
import { printJson } from './output.js';
import { usage } from './validate.js';

interface ReplayOptions {
  readonly speed?: string;
  readonly idleLimit?: string;
  readonly text: boolean;
}

const MAX_SPEED = 1000;
const MAX_IDLE_LIMIT = 86_400;

function requirePositive(field: string, value: string, max: number): number {
  const n = Number(value);
  if (!/^(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)$/.test(value) || !(n > 0) || n > max) {
    throw usage(
      `${field}: ${quoteForMessage(value)} must be a number greater than 0 and at most ${max}`,
    );
  }
  return n;
}

/**
 * The session's recording (header and events), read from the path stored on its row (never from
 * input). A live session's recording is read up to its last complete line.
 */
async function loadCast(
  recordings: RecordingStore,
  id: SessionId,
  stored: string | null,
  live: boolean,
): Promise<{ header: CastHeader; events: CastEvent[] }> {
  if (stored === null)
    throw new GatehouseError('not_found', `replay: session ${id} has no recording`);
  if (sessionRecordingPath(recordings.spoolDir, id, stored) === null) {
    throw new GatehouseError(
      'refused',
      `replay: session ${id}: its stored recording path is not this session's recording`,
    );
  }
  let text = await withRecording(recordings, stored, (dir) =>
    readCastText(sessionRecordingPath(dir, id, stored) ?? '', id),
  ).catch((e: unknown) => {
    if (e instanceof GatehouseError) throw e;
    throw new GatehouseError(
      'storage',
      `replay: cannot read the recording of ${id} from the recording store (${oneLine(errorMessage(e), 200)})`,
    );
  });
  if (live) text = text.slice(0, text.lastIndexOf('\n') + 1);
  try {
    return readCast(text);
  } catch (e) {
    if (e instanceof CastFormatError) {
      throw new GatehouseError(
        'refused',
        `replay: the recording of ${id} is damaged: ${e.message} (run \`gatehouse recording verify ${id}\`)`,
      );
    }
    throw e;
  }
}

async function readCastText(castPath: string, id: SessionId): Promise<string> {
  try {
    return await readFile(castPath, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new GatehouseError(
      'storage',
      code === 'ENOENT'
        ? `replay: the recording of ${id} is missing (${castPath})`
        : `replay: cannot read the recording of ${id} (${code ?? 'error'})`,
    );
  }
}

/** Plays with real time; Ctrl-C (or SIGTERM) stops at once, and the terminal is always reset. */
async function play(
  ctx: CliContext,
  events: readonly CastEvent[],
  speed: number,
  idleLimit: number | undefined,
): Promise<void> {
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    await playback(events, {
      speed,
      ...(idleLimit === undefined ? {} : { idleLimit }),
      write: (text) => ctx.io.stdout(text),
      sleep: (ms) => sleepFor(ms, undefined, { signal: controller.signal }).catch(() => undefined),
      signal: controller.signal,
    });
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    ctx.io.stdout(TERMINAL_RESET);
  }
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('replay')
    .description(
      "play a session recording in this terminal: titles, clipboard writes and other hidden sequences shown as ⟦…⟧ placeholders, gatehouse's notices as ⟦── … ──⟧ lines",
    )
    .argument('<session-id>', 'UUID from `session list`, or its first 8 or more characters')
    .option('--speed <n>', 'playback speed: 2 plays twice as fast (default 1)')
    .option('--idle-limit <seconds>', 'shorten pauses longer than this many seconds')
    .option(
      '--text',
      'print the final text of the session (for grep), no timing, placeholders and notices included; also with --json',
      false,
    )
    .action(async (idText: string, opts: ReplayOptions) => {
      const ref = requireSessionRef('session id', idText);
      const textOnly = opts.text || ctx.options().json;
      if (textOnly && (opts.speed !== undefined || opts.idleLimit !== undefined)) {
        throw usage('--text: --speed and --idle-limit apply only to timed playback');
      }
      const speed =
        opts.speed === undefined ? 1 : requirePositive('--speed', opts.speed, MAX_SPEED);
      const idleLimit =
        opts.idleLimit === undefined
          ? undefined
          : requirePositive('--idle-limit', opts.idleLimit, MAX_IDLE_LIMIT);

      const { id, header, events } = await ctx.withStore(async (store, config) => {
        const session = await findSession(store, ref, 'replay');
        if (session.recordingPrunedAt !== null)
          throw new GatehouseError(
            'refused',
            `replay: ${prunedRecordingLine(session.id, session.recordingPrunedAt)}`,
          );
        const loaded = await loadCast(
          recordingsOf(ctx, config),
          session.id,
          session.recordingPath,
          session.endedAt === null,
        );
        // Every view is on the record, before anything is shown.
        await store.audit.append(
          auditEvents.reviewView({ sessionId: session.id, via: 'cli' }),
          ctx.options().actor,
        );
        return { id: session.id, ...loaded };
      });

      if (textOnly) {
        const text = sanitizeForTerminal(renderText(events, header.width));
        if (ctx.options().json) printJson(ctx, { sessionId: id, text });
        else if (text !== '') ctx.io.stdout(`${text}\n`);
        return;
      }
      await play(ctx, events, speed, idleLimit);
    });
}
