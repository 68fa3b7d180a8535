import type { Command } from 'commander';
import { GatehouseError } from '../core/errors.js';
import type { SessionId } from '../core/model.js';
import type { CliContext } from './context.js';
import { isoTime, printJson, printLine, printTable } from './output.js';
import { requireSessionId } from './validate.js';

export function register(program: Command, ctx: CliContext): void {
  const session = program.command('session').description('SSH sessions through the bastion');

  session
    .command('list')
    .description('list sessions')
    .option('--live', 'only sessions still open', false)
    .action(async (opts: { readonly live: boolean }) => {
      const views = await ctx.withStore(async (store) => {
        const users = new Map((await store.users.list()).map((u) => [u.id as number, u.name]));
        const targets = new Map((await store.targets.list()).map((t) => [t.id as number, t.name]));
        const list = await store.sessions.list(opts.live ? { live: true } : {});
        return list.map((s) => ({ ...s, user: users.get(s.userId) ?? null, target: targets.get(s.targetId) ?? null }));
      });
      if (ctx.options().json) return printJson(ctx, views);
      printTable(
        ctx,
        ['ID', 'USER', 'TARGET', 'GRANT', 'STARTED', 'ENDED', 'END', 'BYTES'],
        views.map((s) => [
          s.id,
          s.user ?? '?',
          s.target ?? '?',
          String(s.grantId),
          isoTime(s.startedAt),
          isoTime(s.endedAt),
          s.endReason ?? (s.endedAt === null ? 'live' : '-'),
          s.bytes === null ? '-' : String(s.bytes),
        ]),
      );
    });

  session
    .command('kill')
    .description('close a live session (the serving bastion closes it within seconds)')
    .argument('<session-id>', 'UUID from `session list`')
    .action(async (idText: string) => {
      const id = requireSessionId('session id', idText) as SessionId;
      await ctx.withStore(async (store) => {
        const s = await store.sessions.get(id);
        if (s === null) throw new GatehouseError('not_found', `session: no session with id ${id}`);
        if (s.endedAt !== null) throw new GatehouseError('conflict', `session: ${id} already ended at ${isoTime(s.endedAt)}`);
        await store.sessions.requestKill(id, ctx.clock.now(), ctx.options().actor);
      });
      if (ctx.options().json) printJson(ctx, { sessionId: id, killRequested: true });
      else printLine(ctx, `kill requested for ${id}`);
    });
}
