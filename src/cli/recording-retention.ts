/**
 * `recording prune|hold|release` (issue 17, docs/retention.md): retention run by an admin, and the
 * legal holds prune never touches.
 */
import type { Command } from 'commander';
import { formatDuration } from '../core/duration.js';
import { GatehouseError } from '../core/errors.js';
import { checkKillReason } from '../core/kill-reason.js';
import type { Session } from '../core/model.js';
import type { Store } from '../core/ports.js';
import { parseRetention, pruneCutoff, recordingState } from '../core/retention.js';
import {
  previewPrune,
  pruneRecordings,
  totalsOf,
  type PruneDeps,
  type PruneStep,
} from '../retention/prune-recordings.js';
import type { CliContext } from './context.js';
import { examples } from './help-text.js';
import { formatSize, isoTime, printJson, printLine, safeText } from './output.js';
import { findSession, requireSessionRef, type SessionIdOrPrefix } from './session-ref.js';
import { recordingsOf } from './recordings.js';
import { usage } from './validate.js';

interface PruneOptions {
  readonly dryRun: boolean;
  readonly retention?: string;
}

/** `--retention`, else the config's; checked before anything is read. */
function retentionOf(option: string | undefined, configured: number | null): number {
  if (option !== undefined) {
    const parsed = parseRetention(option);
    if (!parsed.ok) throw usage(`--retention: ${parsed.message}`);
    return parsed.ms;
  }
  if (configured === null)
    throw usage('recording prune: recordings.retention is not set; give --retention (e.g. 365d)');
  return configured;
}

function stepLine(step: PruneStep, dryRun: boolean): string {
  switch (step.status) {
    case 'pruned':
      return `${dryRun ? 'would prune' : 'pruned'} ${step.sessionId} ended ${isoTime(step.endedAt)} ${formatSize(step.bytes)}`;
    case 'finished':
      return `removed the files left by an earlier prune of ${step.sessionId}`;
    case 'failed':
      return `FAIL ${step.sessionId}: ${step.problem}`;
  }
}

function reasonOf(text: string): string {
  const reason = checkKillReason('--reason', text);
  if (!reason.ok) throw usage(reason.message);
  return reason.value;
}

function registerPrune(recording: Command, ctx: CliContext): void {
  recording
    .command('prune')
    .description(
      'remove the recordings of sessions that ended longer ago than the retention (recordings.retention); rows stay, marked pruned; held recordings are kept',
    )
    .addHelpText(
      'after',
      examples('gatehouse recording prune --dry-run', 'gatehouse recording prune --retention 12w'),
    )
    .option('--dry-run', 'say what would go (count, bytes, oldest) and change nothing', false)
    .option('--retention <duration>', 'instead of recordings.retention: 365d, 12w (at least 1d)')
    .action(async (opts: PruneOptions) => {
      const config = await ctx.loadConfig();
      const retentionMs = retentionOf(opts.retention, config.recordings.retentionMs);
      const json = ctx.options().json;
      const now = ctx.clock.now();
      const steps: PruneStep[] = [];
      await ctx.withStore(async (store) => {
        const deps: PruneDeps = {
          store,
          recordingsDir: config.recordings.dir,
          recordings: recordingsOf(ctx, config),
          clock: ctx.clock,
          retentionMs,
          actor: ctx.options().actor,
        };
        for await (const step of opts.dryRun ? previewPrune(deps) : pruneRecordings(deps)) {
          steps.push(step);
          if (!json) printLine(ctx, stepLine(step, opts.dryRun));
        }
      });
      const totals = totalsOf(steps);
      const cutoff = isoTime(pruneCutoff(now, retentionMs));
      if (json)
        printJson(ctx, {
          dryRun: opts.dryRun,
          retention: formatDuration(retentionMs),
          cutoff,
          ...totals,
          oldestEndedAt: totals.oldestEndedAt === null ? null : isoTime(totals.oldestEndedAt),
          recordings: steps,
        });
      else
        printLine(
          ctx,
          `${opts.dryRun ? 'would prune' : 'pruned'} ${totals.count} recordings (${formatSize(totals.bytes)})${
            totals.oldestEndedAt === null ? '' : `, oldest ended ${isoTime(totals.oldestEndedAt)}`
          }: sessions that ended before ${cutoff} (retention ${formatDuration(retentionMs)})`,
        );
      const failed = steps.filter((s) => s.status === 'failed');
      const [first] = failed;
      if (first !== undefined)
        throw new GatehouseError(
          'refused',
          safeText(
            `recording prune: ${failed.length} of ${steps.length} recordings failed; first ${first.sessionId}: ${first.problem}`,
          ),
        );
    });
}

type HoldChange = (store: Store, s: Session, reason: string) => Promise<Session>;

function registerHoldChange(
  recording: Command,
  ctx: CliContext,
  verb: 'hold' | 'release',
  description: string,
  change: HoldChange,
): void {
  recording
    .command(verb)
    .description(description)
    .addHelpText(
      'after',
      examples(
        `gatehouse recording ${verb} 3f2a9c1e --reason 'LIT-2291: ${verb === 'hold' ? 'preserve for counsel' : 'matter closed'}'`,
      ),
    )
    .argument('<session-id>', 'UUID from `session list`, or its first 8 or more characters')
    .requiredOption('--reason <text>', 'one line, kept in the audit trail')
    .action(async (idText: string, opts: { readonly reason: string }) => {
      const ref: SessionIdOrPrefix = requireSessionRef('session id', idText);
      const reason = reasonOf(opts.reason);
      const s = await ctx.withStore(async (store) =>
        change(store, await findSession(store, ref, `recording ${verb}`), reason),
      );
      if (ctx.options().json) printJson(ctx, { sessionId: s.id, hold: s.hold });
      else printLine(ctx, `${s.id}: ${recordingState(s) ?? 'not on legal hold'}`);
    });
}

export function registerRetention(recording: Command, ctx: CliContext): void {
  registerPrune(recording, ctx);
  registerHoldChange(
    recording,
    ctx,
    'hold',
    "put a session's recording on legal hold: prune never removes it while it holds",
    (store, s, reason) => store.retention.hold(s.id, reason, ctx.options().actor),
  );
  registerHoldChange(
    recording,
    ctx,
    'release',
    "release a session's legal hold: its recording falls under retention again",
    (store, s, reason) => store.retention.release(s.id, reason, ctx.options().actor),
  );
}
