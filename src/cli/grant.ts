import type { Command } from 'commander';
import { validatePatterns } from '../core/command-policy.js';
import { formatDuration } from '../core/duration.js';
import { GatehouseError } from '../core/errors.js';
import type { Grant, GrantId, NdaId } from '../core/model.js';
import type { Store } from '../core/ports.js';
import { confirmationRows, requireConfirmations } from './checklist-options.js';
import type { CliContext } from './context.js';
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

interface AddOptions {
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

export function grantState(g: Grant, now: number): 'revoked' | 'expired' | 'pending' | 'active' {
  if (g.revokedAt !== null) return 'revoked';
  if (g.endsAt <= now) return 'expired';
  if (g.startsAt > now) return 'pending';
  return 'active';
}

/** A grant as shown: the domain object plus user/target names and its state now. */
async function grantViews(store: Store, grants: readonly Grant[], now: number) {
  const users = new Map((await store.users.list()).map((u) => [u.id as number, u.name]));
  const targets = new Map((await store.targets.list()).map((t) => [t.id as number, t.name]));
  return grants.map((g) => ({
    ...g,
    user: users.get(g.userId) ?? null,
    target: targets.get(g.targetId) ?? null,
    state: grantState(g, now),
  }));
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

const acknowledgedText = (g: Grant): string =>
  g.ndaAcknowledgedAt === null
    ? '-'
    : `${isoTime(g.ndaAcknowledgedAt)}` +
      (g.ndaCarriedFrom === null ? '' : ` (carried over from grant ${g.ndaCarriedFrom})`);

export function register(program: Command, ctx: CliContext): void {
  const grant = program.command('grant').description('time-limited access of a user to a target');

  grant
    .command('add')
    .description('grant access; prints the grant id')
    .requiredOption('--user <name>', 'who')
    .requiredOption('--target <name>', 'to which target')
    .requiredOption('--nda <id>', "the user's NDA that covers the whole grant")
    .option('--for <duration>', 'how long: 90s, 45m, 2h, 7d')
    .option('--until <time>', 'or until when (ISO 8601, e.g. 2026-11-30T18:00Z)')
    .option('--from <time>', 'start later than now (ISO 8601)')
    .option('--shell', 'full shell and any command', false)
    .option('--allow <pattern>', 'an allowed command pattern (repeat for more)', collect, [])
    .option('--profile <name>', 'a named allowlist from the config (profiles)')
    .requiredOption('--reason <text>', 'why (ticket, incident)')
    .option(
      '--confirm <item=note>',
      "confirm an item of the target's checklist with a note or link (repeat for each item)",
      collect,
      [],
    )
    .action(async (opts: AddOptions) => {
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
      const confirmations = requireConfirmations(opts.confirm, ctx.options().actor);
      const config = await ctx.loadConfig();
      let allowlist: string[] = [];
      if (listed) {
        let fromProfile: readonly string[] = [];
        if (opts.profile !== undefined) {
          const profile = config.profiles[opts.profile];
          if (profile === undefined) {
            const known = Object.keys(config.profiles);
            throw usage(
              `--profile: no profile named ${JSON.stringify(opts.profile.slice(0, 64))} in the config (${known.length ? known.join(', ') : 'none defined'})`,
            );
          }
          fromProfile = profile;
        }
        const field =
          opts.profile !== undefined && opts.allow.length === 0 ? '--profile' : '--allow';
        allowlist = requirePatterns(field, [...fromProfile, ...opts.allow]);
        const patterns = validatePatterns(allowlist);
        if (!patterns.ok) throw usage(`${field}: ${patterns.message}`);
      }
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
    .description('list grants')
    .option('--active', 'only grants valid now', false)
    .option('--user <name>', 'only this user')
    .option('--target <name>', 'only this target')
    .action(
      async (opts: {
        readonly active: boolean;
        readonly user?: string;
        readonly target?: string;
      }) => {
        const userName =
          opts.user === undefined ? undefined : requireName('user', opts.user, '--user');
        const targetName =
          opts.target === undefined ? undefined : requireName('target', opts.target, '--target');
        const now = ctx.clock.now();
        const views = await ctx.withStore(async (store) => {
          if (userName !== undefined && (await store.users.findByName(userName)) === null) {
            throw new GatehouseError('not_found', `--user: no user named ${userName}`);
          }
          if (targetName !== undefined && (await store.targets.findByName(targetName)) === null) {
            throw new GatehouseError('not_found', `--target: no target named ${targetName}`);
          }
          const list = await store.grants.list({
            ...(opts.active ? { activeAt: now } : {}),
            ...(userName === undefined ? {} : { userName }),
            ...(targetName === undefined ? {} : { targetName }),
          });
          return grantViews(store, list, now);
        });
        if (ctx.options().json) return printJson(ctx, views);
        printTable(
          ctx,
          ['ID', 'USER', 'TARGET', 'NDA', 'MODE', 'STARTS', 'ENDS', 'STATE', 'REASON'],
          views.map((g) => [
            String(g.id),
            g.user ?? '?',
            g.target ?? '?',
            String(g.ndaId),
            g.mode,
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
        return (await grantViews(store, [g], now))[0];
      });
      if (view === undefined) throw new GatehouseError('internal', 'grant: not returned');
      if (ctx.options().json) return printJson(ctx, view);
      const rows: (readonly [string, string])[] = [
        ['id', String(view.id)],
        ['user', view.user ?? '?'],
        ['target', view.target ?? '?'],
        ['nda', String(view.ndaId)],
        ['state', view.state],
        ['starts', isoTime(view.startsAt)],
        ['ends', isoTime(view.endsAt)],
        ['length', formatDuration(view.endsAt - view.startsAt)],
        ['mode', view.mode],
        ...view.allowlist.map((p): [string, string] => ['allow', p]),
        ['reason', view.reason],
        ...confirmationRows(view.confirmations),
        ['created', `${isoTime(view.createdAt)} by ${view.createdBy}`],
        ['nda acknowledged', acknowledgedText(view)],
        ...(view.revokedAt === null
          ? []
          : [
              ['revoked', `${isoTime(view.revokedAt)}: ${view.revokeReason ?? ''}`] as [
                string,
                string,
              ],
            ]),
      ];
      printPairs(ctx, rows);
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
