import type { Command } from 'commander';
import { canonicalJson, type JsonValue } from '../core/audit-events.js';
import { parseDuration } from '../core/duration.js';
import { GatehouseError } from '../core/errors.js';
import { quoteForMessage } from '../core/names.js';
import { parseTimestamp } from '../core/timestamp.js';
import type { CliContext } from './context.js';
import { isoTime, printJson, printLine, printTable } from './output.js';
import { requireCount, usage } from './validate.js';

/** `--since`: a time (2026-11-01T18:00Z) or a duration back from now (2h). */
function sinceMs(value: string, now: number): number {
  const d = parseDuration(value);
  if (d.ok) return now - d.ms;
  const t = parseTimestamp(value);
  if (t.ok) return t.ms;
  throw usage(`--since: ${quoteForMessage(value)} is neither a time (2026-11-01, 2026-11-01T18:00Z) nor a duration (90s, 45m, 2h, 7d)`);
}

export function register(program: Command, ctx: CliContext): void {
  const audit = program.command('audit').description('the tamper-evident audit trail');

  audit
    .command('list')
    .description('list audit events, oldest first')
    .option('--since <time|duration>', 'from this time, or this long ago (2h)')
    .option('--type <type>', 'only this event type, e.g. grant.create')
    .option('--limit <n>', 'at most this many events')
    .action(async (opts: { readonly since?: string; readonly type?: string; readonly limit?: string }) => {
      const since = opts.since === undefined ? undefined : sinceMs(opts.since, ctx.clock.now());
      if (opts.type !== undefined && !/^[a-z]+(?:\.[a-z]+){0,3}$/.test(opts.type)) {
        throw usage(`--type: ${quoteForMessage(opts.type)} is not an event type (e.g. grant.create)`);
      }
      const limit = opts.limit === undefined ? undefined : requireCount('--limit', opts.limit, 1_000_000);
      const records = await ctx.withStore(async (store) =>
        store.audit.list({
          ...(since === undefined ? {} : { since }),
          ...(opts.type === undefined ? {} : { type: opts.type }),
          ...(limit === undefined ? {} : { limit }),
        }),
      );
      if (ctx.options().json) return printJson(ctx, records);
      printTable(
        ctx,
        ['SEQ', 'TIME', 'ACTOR', 'TYPE', 'PAYLOAD'],
        records.map((r) => [String(r.seq), isoTime(r.ts), r.actor, r.type, canonicalJson(r.payload as JsonValue)]),
      );
    });

  audit
    .command('verify')
    .description('walk the hash chain; exit 1 naming the first broken event')
    .action(async () => {
      const result = await ctx.withStore(async (store) => store.audit.verify());
      if (ctx.options().json) printJson(ctx, result);
      if (!result.ok) {
        throw new GatehouseError('refused', `audit: chain broken at seq ${result.seq}: ${result.problem}`);
      }
      if (!ctx.options().json) printLine(ctx, `ok ${result.count} events`);
    });
}
