import type { Command } from 'commander';
import { validatePatterns } from '../core/command-policy.js';
import { GatehouseError } from '../core/errors.js';
import type { GrantId, NdaId } from '../core/model.js';
import type { Profile } from '../core/profile.js';
import { describeTransfer } from '../core/transfer-text.js';
import { requireConfirmations } from './checklist-options.js';
import type { CliContext } from './context.js';
import { examples } from './help-text.js';
import {
  addTransferOptions,
  requireTransfer,
  transferTyped,
  type TransferOptions,
} from './transfer-options.js';
import { fetchCount, LIMIT_HELP, newest, noteOlder, requireLimit } from './list-limit.js';
import { grantPairs, grantViews, withTransferUsage } from './grant-view.js';
import { isoTime, printJson, printLine, printPairs, printResult, printTable } from './output.js';
import {
  requireDuration,
  requireId,
  requireName,
  requirePatterns,
  requireText,
  requireTime,
  usage,
} from './validate.js';

interface AddOptions extends TransferOptions {
  readonly user: string;
  readonly target: string;
  readonly nda: string;
  readonly for?: string;
  readonly until?: string;
  readonly from?: string;
  readonly shell: boolean;
  readonly allow: string[];
  readonly profile?: string;
  readonly reason: string;
  readonly confirm: string[];
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function register(program: Command, ctx: CliContext): void {
  const grant = program.command('grant').description('time-limited access of a user to a target');

  const add = grant
    .command('add')
    .description('grant access; prints the grant id')
    .addHelpText(
      'after',
      examples(
        'gatehouse grant add --user alice --target db1 --nda 3 --for 1h30m --shell --reason INC-42',
        "gatehouse grant add --user bob --target web1 --nda 4 --until 2026-11-30T18:00Z --allow 'systemctl status *' --reason CHG-7",
        "gatehouse grant add --user carol --target db1 --nda 5 --for 2h --shell --transfer download --transfer-path '/var/log/**' --transfer-budget 500MiB --reason INC-43",
      ),
    )
    .requiredOption('--user <name>', 'who')
    .requiredOption('--target <name>', 'to which target')
    .requiredOption('--nda <id>', "the user's NDA that covers the whole grant")
    .option('--for <duration>', 'how long: 90s, 45m, 2h, 7d, 1h30m')
    .option('--until <time>', 'or until when (ISO 8601, e.g. 2026-11-30T18:00Z)')
    .option('--from <time>', 'start later than now (ISO 8601)')
    .option('--shell', 'full shell and any command', false)
    .option('--allow <pattern>', 'an allowed command pattern (repeat for more)', collect, [])
    .option(
      '--profile <name>',
      'a named allowlist from the config (profiles), with its transfer rights unless --transfer… is given',
    )
    .requiredOption('--reason <text>', 'why (ticket, incident)')
    .option(
      '--confirm <item=note>',
      "confirm an item of the target's checklist with a note or link (repeat for each item)",
      collect,
      [],
    );
  addTransferOptions(add).action(async (opts: AddOptions) => {
    const userName = requireName('user', opts.user, '--user');
    const targetName = requireName('target', opts.target, '--target');
    const ndaId = requireId('--nda', opts.nda) as NdaId;
    const reason = requireText('--reason', opts.reason);
    if (opts.for !== undefined && opts.until !== undefined)
      throw usage('--for, --until: give only one of them');
    if (opts.for === undefined && opts.until === undefined)
      throw usage('--for or --until: say how long the grant lasts');
    const now = ctx.clock.now();
    const startsAt = opts.from === undefined ? now : requireTime('--from', opts.from);
    const endsAt =
      opts.for !== undefined
        ? startsAt + requireDuration('--for', opts.for)
        : requireTime('--until', opts.until ?? '');
    const listed = opts.allow.length > 0 || opts.profile !== undefined;
    if (opts.shell && listed)
      throw usage(
        '--shell, --allow/--profile: a grant is either a shell or an allowlist, not both',
      );
    if (!opts.shell && !listed)
      throw usage(
        '--shell or --allow: say what the grant allows (a shell, or an allowlist of commands)',
      );
    const typedTransfer = requireTransfer(opts);
    const confirmations = requireConfirmations(opts.confirm, ctx.options().actor);
    const config = await ctx.loadConfig();
    let allowlist: string[] = [];
    let profile: Profile | undefined;
    if (listed) {
      let fromProfile: readonly string[] = [];
      if (opts.profile !== undefined) {
        profile = config.profiles[opts.profile];
        if (profile === undefined) {
          const known = Object.keys(config.profiles);
          throw usage(
            `--profile: no profile named ${JSON.stringify(opts.profile.slice(0, 64))} in the config (${known.length ? known.join(', ') : 'none defined'})`,
          );
        }
        fromProfile = profile.allow;
      }
      const field = opts.profile !== undefined && opts.allow.length === 0 ? '--profile' : '--allow';
      allowlist = requirePatterns(field, [...fromProfile, ...opts.allow]);
      const patterns = validatePatterns(allowlist);
      if (!patterns.ok) throw usage(`${field}: ${patterns.message}`);
    }
    // A profile's transfer rights apply unless a transfer option says otherwise.
    const transfer =
      profile !== undefined && !transferTyped(opts) ? profile.transfer : typedTransfer;
    const created = await ctx.withStore(async (store, cfg) => {
      const g = await store.grants.add(
        {
          userName,
          targetName,
          ndaId,
          startsAt,
          endsAt,
          mode: opts.shell ? 'shell' : 'commands',
          allowlist,
          reason,
          confirmations,
          transfer,
        },
        cfg.grants.maxDurationMs,
        now,
        ctx.options().actor,
      );
      const [view] = await grantViews(store, [g], now);
      return view;
    });
    if (created === undefined)
      throw new GatehouseError('internal', 'grant: created grant not returned');
    printResult(ctx, created, () => String(created.id));
  });

  grant
    .command('list')
    .description(
      'list grants valid now, newest first (--all: also ended, revoked and upcoming ones)',
    )
    .addHelpText(
      'after',
      examples('gatehouse grant list --user alice', 'gatehouse grant list --all --limit 500'),
    )
    .option('--all', 'every grant, not only those valid now', false)
    .option('--active', 'only grants valid now (the default)', false)
    .option('--user <name>', 'only this user')
    .option('--target <name>', 'only this target')
    .option('--limit <n>', LIMIT_HELP)
    .action(
      async (opts: {
        readonly all: boolean;
        readonly active: boolean;
        readonly user?: string;
        readonly target?: string;
        readonly limit?: string;
      }) => {
        if (opts.all && opts.active) throw usage('--all, --active: give only one of them');
        const limit = requireLimit(opts.limit);
        const userName =
          opts.user === undefined ? undefined : requireName('user', opts.user, '--user');
        const targetName =
          opts.target === undefined ? undefined : requireName('target', opts.target, '--target');
        const now = ctx.clock.now();
        const fetched = await ctx.withStore(async (store) => {
          if (userName !== undefined && (await store.users.findByName(userName)) === null) {
            throw new GatehouseError('not_found', `--user: no user named ${userName}`);
          }
          if (targetName !== undefined && (await store.targets.findByName(targetName)) === null) {
            throw new GatehouseError('not_found', `--target: no target named ${targetName}`);
          }
          const list = await store.grants.list({
            ...(opts.all ? {} : { activeAt: now }),
            ...(userName === undefined ? {} : { userName }),
            ...(targetName === undefined ? {} : { targetName }),
            latest: fetchCount(limit),
          });
          return grantViews(store, list, now);
        });
        const { rows: views, more } = newest(fetched, limit);
        noteOlder(ctx, more, limit, opts.all ? 'grants' : 'grants valid now');
        if (ctx.options().json) return printJson(ctx, views);
        printTable(
          ctx,
          ['ID', 'USER', 'TARGET', 'NDA', 'MODE', 'TRANSFER', 'STARTS', 'ENDS', 'STATE', 'REASON'],
          views.map((g) => [
            String(g.id),
            g.user ?? '?',
            g.target ?? '?',
            String(g.ndaId),
            g.mode,
            describeTransfer(g.transfer),
            isoTime(g.startsAt),
            isoTime(g.endsAt),
            g.state,
            g.reason,
          ]),
        );
      },
    );

  grant
    .command('show')
    .description('show one grant')
    .argument('<id>', 'grant id')
    .action(async (idText: string) => {
      const id = requireId('grant id', idText) as GrantId;
      const now = ctx.clock.now();
      const view = await ctx.withStore(async (store) => {
        const g = await store.grants.get(id);
        if (g === null) throw new GatehouseError('not_found', `grant: no grant with id ${id}`);
        const [found] = await grantViews(store, [g], now);
        return found === undefined ? undefined : withTransferUsage(store, found);
      });
      if (view === undefined) throw new GatehouseError('internal', 'grant: not returned');
      if (ctx.options().json) return printJson(ctx, view);
      printPairs(ctx, grantPairs(view));
    });

  grant
    .command('extend')
    .description("move a live grant's end later (capped at its NDA's expiry); prints the new end")
    .addHelpText(
      'after',
      examples("gatehouse grant extend 12 --for 30m --reason 'migration overran'"),
    )
    .argument('<id>', 'grant id')
    .requiredOption('--for <duration>', 'how much longer: 30m, 1h')
    .requiredOption('--reason <text>', 'why (kept in the audit trail)')
    .action(async (idText: string, opts: { readonly for: string; readonly reason: string }) => {
      const id = requireId('grant id', idText) as GrantId;
      const byMs = requireDuration('--for', opts.for);
      const reason = requireText('--reason', opts.reason);
      const now = ctx.clock.now();
      const [view] = await ctx.withStore(async (store, cfg) => {
        const extended = await store.grants.extend(
          id,
          byMs,
          reason,
          cfg.grants.maxDurationMs,
          now,
          ctx.options().actor,
        );
        return grantViews(store, [extended], now);
      });
      if (view === undefined) throw new GatehouseError('internal', 'grant: not returned');
      printResult(ctx, view, () => `grant ${id} now ends ${isoTime(view.endsAt)}`);
    });

  grant
    .command('revoke')
    .description('revoke a grant: its sessions are closed within seconds')
    .argument('<id>', 'grant id')
    .requiredOption('--reason <text>', 'why (kept in the audit trail)')
    .action(async (idText: string, opts: { readonly reason: string }) => {
      const id = requireId('grant id', idText) as GrantId;
      const reason = requireText('--reason', opts.reason);
      const now = ctx.clock.now();
      const view = await ctx.withStore(async (store) => {
        const g = await store.grants.get(id);
        if (g === null) throw new GatehouseError('not_found', `grant: no grant with id ${id}`);
        if (g.revokedAt !== null) {
          throw new GatehouseError(
            'conflict',
            `grant: grant ${id} was already revoked at ${isoTime(g.revokedAt)}`,
          );
        }
        return (
          await grantViews(
            store,
            [await store.grants.revoke(id, reason, now, ctx.options().actor)],
            now,
          )
        )[0];
      });
      if (ctx.options().json) return printJson(ctx, view);
      printLine(ctx, `revoked grant ${id}`);
    });
}
