import type { Command } from 'commander';
import { formatTimeLeft } from '../core/duration.js';
import { GatehouseError } from '../core/errors.js';
import { checkKillReason } from '../core/kill-reason.js';
import { recordingState } from '../core/retention.js';
import type { GrantId, Session } from '../core/model.js';
import { quoteForMessage } from '../core/names.js';
import type { SessionFilter, Store } from '../core/ports.js';
import { SESSION_KINDS, type SessionKind } from '../core/session-summary.js';
import type { CliContext } from './context.js';
import { examples } from './help-text.js';
import { fetchCount, LIMIT_HELP, newest, noteOlder, requireLimit } from './list-limit.js';
import { findSession, requireSessionRef } from './session-ref.js';
import { registerWatch } from './session-watch.js';
import { printTransferLog, transferLogOf } from './transfer-log-view.js';
import { formatSize, isoTime, printJson, printLine, printPairs, printTable } from './output.js';
import { requireId, requireName, requireTime, requireTimeOrAgo, usage } from './validate.js';

interface ListOptions {
  readonly limit?: string;
  readonly live: boolean;
  readonly user?: string;
  readonly target?: string;
  readonly grant?: string;
  readonly kind?: string;
  readonly since?: string;
  readonly until?: string;
}

function requireKind(text: string): SessionKind {
  const kind = SESSION_KINDS.find((k) => k === text);
  if (kind === undefined)
    throw usage(`--kind: ${quoteForMessage(text)} is not one of ${SESSION_KINDS.join(', ')}`);
  return kind;
}

/** Checks every option before the store is opened (usage errors exit 2). */
function filterOf(opts: ListOptions, now: number): SessionFilter {
  const since = opts.since === undefined ? undefined : requireTimeOrAgo('--since', opts.since, now);
  const until = opts.until === undefined ? undefined : requireTime('--until', opts.until);
  if (since !== undefined && until !== undefined && since >= until) {
    throw usage('--since, --until: --since must be before --until');
  }
  return {
    ...(opts.live ? { live: true } : {}),
    ...(opts.user === undefined ? {} : { userName: requireName('user', opts.user, '--user') }),
    ...(opts.target === undefined
      ? {}
      : { targetName: requireName('target', opts.target, '--target') }),
    ...(opts.grant === undefined ? {} : { grantId: requireId('--grant', opts.grant) as GrantId }),
    ...(opts.kind === undefined ? {} : { kind: requireKind(opts.kind) }),
    ...(since === undefined ? {} : { since }),
    ...(until === undefined ? {} : { until }),
  };
}

export interface SessionView extends Session {
  readonly user: string | null;
  readonly target: string | null;
  /** To the end, or so far for a live session. */
  readonly durationMs: number;
}

async function listViews(store: Store, filter: SessionFilter, now: number): Promise<SessionView[]> {
  const users = new Map((await store.users.list()).map((u) => [u.id as number, u.name]));
  const targets = new Map((await store.targets.list()).map((t) => [t.id as number, t.name]));
  const list = await store.sessions.list(filter);
  for (const s of list) {
    // Removed targets are not listed but their sessions still name them.
    if (!targets.has(s.targetId)) {
      const t = await store.targets.get(s.targetId);
      if (t !== null) targets.set(t.id, t.name);
    }
  }
  return list.map((s) => ({
    ...s,
    user: users.get(s.userId) ?? null,
    target: targets.get(s.targetId) ?? null,
    durationMs: Math.max(0, (s.endedAt ?? now) - s.startedAt),
  }));
}

/** `session show`: a session's facts, one per line. */
function sessionPairs(s: SessionView): [string, string][] {
  return [
    ['id', s.id],
    ['user', s.user ?? '?'],
    ['target', s.target ?? '?'],
    ['grant', String(s.grantId)],
    ['started', isoTime(s.startedAt)],
    ['ended', s.endedAt === null ? 'live' : isoTime(s.endedAt)],
    ['duration', formatTimeLeft(s.durationMs)],
    ['end reason', s.endReason ?? '-'],
    ['exit status', s.exitStatus === null ? '-' : String(s.exitStatus)],
    ['recording', s.recordingPath ?? '-'],
    ['recording state', recordingState(s) ?? (s.recordingPath === null ? '-' : 'kept')],
    ['recording size', formatSize(s.bytes)],
    ['recording sha256', s.sha256 ?? '-'],
    ['stdin bytes', s.stdin === null ? '-' : String(s.stdin.bytes)],
    ['stdin sha256', s.stdin?.sha256 ?? '-'],
    ['node', s.node ?? '-'],
  ];
}

export function register(program: Command, ctx: CliContext): void {
  const session = program.command('session').description('SSH sessions through the bastion');

  session
    .command('list')
    .description('list sessions, newest first; all given filters must match')
    .addHelpText(
      'after',
      examples(
        'gatehouse session list --live',
        'gatehouse session list --user alice --since 7d --limit 200',
      ),
    )
    .option('--limit <n>', LIMIT_HELP)
    .option('--live', 'only sessions still open', false)
    .option('--user <name>', 'only sessions of this user')
    .option('--target <name>', 'only sessions on this target')
    .option('--grant <id>', 'only sessions under this grant')
    .option('--kind <kind>', `only sessions of this kind: ${SESSION_KINDS.join(', ')}`)
    .option(
      '--since <time|duration>',
      'only sessions open at or after this time, or this long ago (2h)',
    )
    .option('--until <time>', 'only sessions started before this time')
    .action(async (opts: ListOptions) => {
      const now = ctx.clock.now();
      const limit = requireLimit(opts.limit);
      const filter = { ...filterOf(opts, now), latest: fetchCount(limit) };
      const fetched = await ctx.withStore((store) => listViews(store, filter, now));
      const { rows: views, more } = newest(fetched, limit);
      noteOlder(ctx, more, limit, 'sessions');
      if (ctx.options().json) return printJson(ctx, views);
      // Live sessions are ended on the node that holds them: --live names it (issue 17).
      const node = (s: SessionView): string[] => (opts.live ? [s.node ?? '-'] : []);
      printTable(
        ctx,
        [
          'ID',
          'USER',
          'TARGET',
          'GRANT',
          'STARTED',
          'DURATION',
          'SIZE',
          'END',
          'EXIT',
          'STDIN',
          'RECORDING',
        ].concat(opts.live ? ['NODE'] : []),
        views.map((s) => [
          s.id,
          s.user ?? '?',
          s.target ?? '?',
          String(s.grantId),
          isoTime(s.startedAt),
          formatTimeLeft(s.durationMs),
          formatSize(s.bytes),
          s.endReason ?? 'live',
          s.exitStatus === null ? '-' : String(s.exitStatus),
          s.stdin === null ? '-' : formatSize(s.stdin.bytes),
          recordingState(s) ?? '-',
          ...node(s),
        ]),
      );
    });

  session
    .command('show')
    .description(
      'one session: its row, recording, what it received on stdin without a pty, and the transfer log of a transfer session',
    )
    .addHelpText('after', examples('gatehouse session show 3f2a9c1e'))
    .argument('<session-id>', 'UUID from `session list`, or its first 8 or more characters')
    .action(async (idText: string) => {
      const ref = requireSessionRef('session id', idText);
      const now = ctx.clock.now();
      const { view, transfers } = await ctx.withStore(async (store) => {
        const s = await findSession(store, ref, 'session');
        return {
          view: (await listViews(store, { grantId: s.grantId }, now)).find((v) => v.id === s.id)!,
          transfers: await transferLogOf(store, s),
        };
      });
      if (ctx.options().json) return printJson(ctx, { ...view, transfers });
      printPairs(ctx, sessionPairs(view));
      if (transfers !== null) printTransferLog(ctx, transfers);
    });

  session
    .command('kill')
    .description(
      'close a live session (the serving bastion closes it within seconds, showing the user the reason)',
    )
    .addHelpText(
      'after',
      examples("gatehouse session kill 3f2a9c1e --reason 'ran an unapproved migration'"),
    )
    .argument('<session-id>', 'UUID from `session list`, or its first 8 or more characters')
    .requiredOption('--reason <text>', 'one line shown to the user (kept in the audit trail)')
    .action(async (idText: string, opts: { readonly reason: string }) => {
      const ref = requireSessionRef('session id', idText);
      const reason = checkKillReason('--reason', opts.reason);
      if (!reason.ok) throw usage(reason.message);
      const id = await ctx.withStore(async (store) => {
        const s = await findSession(store, ref, 'session');
        if (s.endedAt !== null)
          throw new GatehouseError(
            'conflict',
            `session: ${s.id} already ended at ${isoTime(s.endedAt)}`,
          );
        await store.sessions.requestKill(s.id, ctx.clock.now(), ctx.options().actor, reason.value);
        return s.id;
      });
      if (ctx.options().json) printJson(ctx, { sessionId: id, killRequested: true });
      else printLine(ctx, `kill requested for ${id}`);
    });

  registerWatch(session, ctx);
}
