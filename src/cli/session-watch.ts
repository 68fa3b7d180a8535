/**
 * `gatehouse session watch ID`: follows a live session in this terminal, from its first output
 * (the screen so far) to its end, sanitised as `replay` does. Reads the .cast file the serving
 * bastion is writing (the CLI runs as the service account on the same host) and ends when the
 * session row has ended and the rest of the recording is shown.
 */
import type { Command } from 'commander';
import { auditEvents } from '../core/audit-events.js';
import { GatehouseError } from '../core/errors.js';
import { CastFollowError, followCast } from '../recording/cast-follower.js';
import { sessionRecordingPath } from '../recording/recording-path.js';
import { reviewText, TerminalSanitizer, TERMINAL_RESET } from '../recording/replay.js';
import type { CliContext } from './context.js';
import { isoTime } from './output.js';
import { findSession, requireSessionRef } from './session-ref.js';
import { usage } from './validate.js';

export function registerWatch(session: Command, ctx: CliContext): void {
  session
    .command('watch')
    .description(
      "follow a live session in this terminal until it ends (hidden sequences shown as ⟦…⟧ placeholders, gatehouse's notices as ⟦── … ──⟧ lines); Ctrl-C stops watching",
    )
    .argument('<session-id>', 'UUID from `session list --live`, or its first 8 or more characters')
    .action(async (idText: string) => {
      const ref = requireSessionRef('session id', idText);
      if (ctx.options().json)
        throw usage('--json: session watch prints the terminal as it happens; use `replay --json`');
      await ctx.withStore(async (store, config) => {
        const s = await findSession(store, ref, 'session');
        const id = s.id;
        if (s.endedAt !== null)
          throw new GatehouseError(
            'conflict',
            `session: ${id} already ended at ${isoTime(s.endedAt)}; use \`gatehouse replay ${id}\``,
          );
        const castPath = sessionRecordingPath(config.recordings.dir, id, s.recordingPath);
        if (castPath === null)
          throw new GatehouseError('not_found', `session: ${id} has no recording to follow`);
        // Every view is on the record, before anything is shown.
        await store.audit.append(
          auditEvents.reviewView({ sessionId: id, via: 'cli', watch: true }),
          ctx.options().actor,
        );
        const controller = new AbortController();
        const stop = (): void => controller.abort();
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
        const sanitizer = new TerminalSanitizer({ reveal: true });
        try {
          await followCast(castPath, {
            ended: async () => (await store.sessions.get(id))?.endedAt != null,
            onHeader: () => undefined,
            onEvent: (event) => {
              const text = reviewText(sanitizer, event);
              if (text !== '') ctx.io.stdout(text);
            },
            signal: controller.signal,
          });
          ctx.io.stdout(sanitizer.end());
        } catch (e) {
          if (e instanceof CastFollowError)
            throw new GatehouseError('refused', `session: ${id}: ${e.message}`);
          throw e;
        } finally {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          ctx.io.stdout(TERMINAL_RESET);
        }
      });
    });
}
