import { reply, replyJson, type CommandContext, type Reply } from './command-context.js';
import { grantJson, grantsTable, isActive } from './format.js';

/** `grants`: the user's active grants, time left and how to connect. */
export async function listGrants(ctx: CommandContext, json: boolean): Promise<Reply> {
  const now = ctx.clock.now();
  const active = (await ctx.desk.grants(ctx.to.userName)).filter((g) => isActive(g.grant, now));
  return json
    ? replyJson(active.map((g) => grantJson(g, now, ctx.to)))
    : reply(grantsTable(active, now, ctx.to));
}
