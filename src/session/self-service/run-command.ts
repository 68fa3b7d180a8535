import type { Refusal } from '../../core/refusal.js';
import { cancelRequest } from './cancel-request.js';
import { reply, type CommandContext, type Reply } from './command-context.js';
import { extendRequest } from './extend-request.js';
import { fileRequest } from './file-request.js';
import { helpLines } from './help.js';
import { listGrants } from './list-grants.js';
import { listRequests } from './list-requests.js';
import type { SelfServiceCommand } from './parse-command.js';

/** One parsed command, run: what to print and the exit status, or a refusal. */
export function runCommand(ctx: CommandContext, cmd: SelfServiceCommand): Promise<Reply | Refusal> {
  switch (cmd.kind) {
    case 'request':
      return fileRequest(ctx, cmd);
    case 'extend':
      return extendRequest(ctx, cmd);
    case 'cancel':
      return cancelRequest(ctx, cmd);
    case 'requests':
      return listRequests(ctx, cmd.json);
    case 'grants':
      return listGrants(ctx, cmd.json);
    case 'help':
      return Promise.resolve(reply(helpLines(ctx.to)));
  }
}
