import { reply, replyJson, type CommandContext, type Reply } from './command-context.js';
import { requestJson, requestsTable } from './format.js';

/** The newest requests `requests` shows. */
export const LISTED_REQUESTS = 50;

/** `requests`: the user's own, newest first, with their statuses as of now. */
export async function listRequests(ctx: CommandContext, json: boolean): Promise<Reply> {
  const requests = await ctx.desk.requests(ctx.to.userName, LISTED_REQUESTS);
  const now = ctx.clock.now();
  return json
    ? replyJson(requests.map((r) => requestJson(r, now, ctx.to)))
    : reply(requestsTable(requests, now));
}
