import { reply, replyJson, type CommandContext, type Reply } from './command-context.js';
import { grantState } from '../../core/grant-state.js';
import { grantJson, grantsTable } from './format.js';

/** `grants`: the user's active grants, time left and how to connect. */
export async function listGrants(ctx: CommandContext, json: boolean): Promise<Reply> {
  const now = ctx.clock.now();
  const active = (await ctx.desk.grants(ctx.to.userName)).filter(
    (g) => grantState(g.grant, now) === 'active',
  );
  return json
    ? replyJson(active.map((g) => grantJson(g, now, ctx.to)))
    : reply(grantsTable(active, now, ctx.to));
}
