import type { Refusal } from '../../core/refusal.js';
import { refused, type CommandContext, type Reply } from './command-context.js';
import type { SelfServiceCommand } from './parse-command.js';
import { isDeskRefusal } from './request-desk.js';
import { report } from './submit-request.js';

type CancelCommand = Extract<SelfServiceCommand, { kind: 'cancel' }>;

/** `request cancel ID`: the user withdraws their pending request (someone else's reads as missing). */
export async function cancelRequest(
  ctx: CommandContext,
  cmd: CancelCommand,
): Promise<Reply | Refusal> {
  const done = await ctx.desk.cancel(cmd.requestId, ctx.to.userName, ctx.clock.now(), ctx.actor);
  return isDeskRefusal(done) ? refused(done.refused) : report(ctx, done, cmd.json, 0);
}
