import type { Command } from 'commander';
import { presentSinkFile, readCheckpointFile } from '../checkpoints/checkpoint-file.js';
import {
  auditTrailProblems,
  auditTrailSummary,
  verifyAuditTrail,
  type AuditTrailCheck,
  type TrailProblem,
} from '../checkpoints/verify-audit-trail.js';
import { loadKeyring } from '../keys/keyring.js';
import { readSigningKey } from '../keys/signing-key.js';
import { canonicalJson, type JsonValue } from '../core/canonical-json.js';
import { GatehouseError } from '../core/errors.js';
import type { AuditRecord } from '../core/model.js';
import { quoteForMessage } from '../core/names.js';
import type { CliContext } from './context.js';
import { examples } from './help-text.js';
import { isoTime, printJson, printLine, printTable } from './output.js';
import { fetchCount, LIMIT_HELP, newest, noteOlder, requireLimit } from './list-limit.js';
import { requireTimeOrAgo, usage } from './validate.js';
import { writeCliCheckpoint } from './write-checkpoint.js';

/** Events per read while exporting: bounded memory however long the trail. */
const EXPORT_PAGE = 1000;

/**
 * One event as one JSON line. JSON.stringify leaves C1 controls and U+2028/9 raw; escaping them
 * keeps the line both valid JSON and harmless on a terminal.
 */
function jsonLine(record: AuditRecord): string {
  const { seq, ts, actor, type, payload, prevHash, hash, node } = record;
  const text = JSON.stringify({
    seq,
    ts: new Date(ts).toISOString(),
    actor,
    type,
    payload,
    prevHash,
    hash,
    node,
  });
  return text.replace(
    /[\u007f-\u009f\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** `audit verify --json`: the chain walk, the checkpoints' coverage, each problem's first bad seq. */
function verifyJson(check: AuditTrailCheck, problems: readonly TrailProblem[]) {
  const { chain, lastSeq, checkpoints } = check;
  return {
    ...chain,
    ok: problems.length === 0,
    lastSeq,
    checkpoints: {
      count: check.checkpointCount,
      verified: checkpoints.verified,
      coveredSeq: checkpoints.coveredSeq,
    },
    problems: problems.map((p) => ({ firstBadSeq: p.seq, problem: p.text })),
  };
}

export function register(program: Command, ctx: CliContext): void {
  const audit = program.command('audit').description('the tamper-evident audit trail');

  audit
    .command('list')
    .description('list audit events, newest first, times in ISO 8601 UTC')
    .addHelpText(
      'after',
      examples(
        'gatehouse audit list --since 24h',
        'gatehouse audit list --type grant.create --limit 10',
      ),
    )
    .option('--since <time|duration>', 'from this time, or this long ago (2h)')
    .option('--type <type>', 'only this event type, e.g. grant.create')
    .option('--limit <n>', LIMIT_HELP)
    .action(
      async (opts: {
        readonly since?: string;
        readonly type?: string;
        readonly limit?: string;
      }) => {
        const since =
          opts.since === undefined
            ? undefined
            : requireTimeOrAgo('--since', opts.since, ctx.clock.now());
        if (opts.type !== undefined && !/^[a-z]+(?:\.[a-z]+){0,3}$/.test(opts.type)) {
          throw usage(
            `--type: ${quoteForMessage(opts.type)} is not an event type (e.g. grant.create)`,
          );
        }
        const limit = requireLimit(opts.limit);
        const fetched = await ctx.withStore(async (store) =>
          store.audit.list({
            ...(since === undefined ? {} : { since }),
            ...(opts.type === undefined ? {} : { type: opts.type }),
            limit: fetchCount(limit),
          }),
        );
        // The store gives the newest events in chain order.
        const { rows: records, more } = newest(fetched.reverse(), limit);
        noteOlder(ctx, more, limit, 'events');
        if (ctx.options().json) return printJson(ctx, records);
        printTable(
          ctx,
          ['SEQ', 'TIME', 'NODE', 'ACTOR', 'TYPE', 'PAYLOAD'],
          records.map((r) => [
            String(r.seq),
            isoTime(r.ts),
            r.node ?? '-',
            r.actor,
            r.type,
            canonicalJson(r.payload as JsonValue),
          ]),
        );
      },
    );

  audit
    .command('export')
    .description('audit events as JSON lines (one event per line, oldest first) for a SIEM')
    .option('--since <time|duration>', 'from this time (inclusive), or this long ago (2h)')
    .option('--until <time|duration>', 'up to this time (exclusive), or this long ago')
    .action(async (opts: { readonly since?: string; readonly until?: string }) => {
      const now = ctx.clock.now();
      const since =
        opts.since === undefined ? undefined : requireTimeOrAgo('--since', opts.since, now);
      const until =
        opts.until === undefined ? undefined : requireTimeOrAgo('--until', opts.until, now);
      if (since !== undefined && until !== undefined && until <= since) {
        throw usage(`--until: ${isoTime(until)} is not after --since ${isoTime(since)}`);
      }
      const filter = {
        ...(since === undefined ? {} : { since }),
        ...(until === undefined ? {} : { until }),
      };
      await ctx.withStore(async (store) => {
        for (let after = 0; ;) {
          const page = await store.audit.page(after, EXPORT_PAGE, filter);
          if (page.length === 0) return;
          ctx.io.stdout(page.map((r) => `${jsonLine(r)}\n`).join(''));
          after = page[page.length - 1]?.seq ?? after;
        }
      });
    });

  audit
    .command('verify')
    .description(
      'walk the hash chain and check it against the signed checkpoints; exit 1 with one line per kind of problem, naming the first bad seq',
    )
    .option(
      '--checkpoints <file>',
      'check against this copy of the checkpoints (default: the audit.checkpointSink.file, when it exists)',
    )
    .action(async (opts: { readonly checkpoints?: string }) => {
      const check = await ctx.withStore(async (store, config) => {
        // The external copy is the one an insider with the database cannot rewrite: use it.
        const path = opts.checkpoints ?? (await presentSinkFile(config.audit.checkpointSink.file));
        const file = path === null ? null : { path, ...(await readCheckpointFile(path)) };
        return verifyAuditTrail(store, () => loadKeyring(config.ssh.hostKeyPath), file);
      });
      const problems = auditTrailProblems(check);
      const json = ctx.options().json;
      if (json) printJson(ctx, verifyJson(check, problems));
      else for (const p of problems) printLine(ctx, `FAIL ${p.text}`);
      const [first, ...more] = problems;
      if (first !== undefined)
        throw new GatehouseError(
          'refused',
          `audit: ${first.text}${more.length > 0 ? ` (and ${more.length} more above)` : ''}`,
        );
      if (!json) printLine(ctx, auditTrailSummary(check));
    });

  audit
    .command('checkpoint')
    .description(
      "sign the chain head with the bastion's host key now, store it and send it to the configured sinks",
    )
    .action(async () => {
      const cp = await ctx.withStore(async (store, config) =>
        writeCliCheckpoint(
          store,
          config,
          await readSigningKey(config.ssh.hostKeyPath),
          ctx.clock,
          ctx.options().actor,
        ),
      );
      if (cp.written === null) throw new GatehouseError('refused', 'audit: the chain is empty');
      if (ctx.options().json) printJson(ctx, cp.written);
      else printLine(ctx, `checkpoint seq ${cp.written.seq} ${cp.written.keyId}`);
      const [failed] = cp.failed;
      if (failed !== undefined)
        throw new GatehouseError(
          'refused',
          `audit: checkpoint seq ${cp.written.seq} stored, but the ${failed.sink} sink failed: ${failed.problem ?? ''}`,
        );
    });
}
