import { setTimeout as sleep } from 'node:timers/promises';
import { statusAt, type AccessRequest } from '../../core/access-request.js';
import type { CommandContext } from './command-context.js';

/** How often `--wait` looks at the request. */
export const WAIT_POLL_MS = 1000;

/**
 * `--wait`: the request once it is no longer pending (decided, cancelled, or past its deadline),
 * or null when the user stopped waiting (closed the channel, Ctrl-C).
 */
export async function waitForDecision(
  ctx: CommandContext,
  filed: AccessRequest,
): Promise<AccessRequest | null> {
  let current = filed;
  while (statusAt(current, ctx.clock.now()) === 'pending') {
    try {
      await sleep(WAIT_POLL_MS, undefined, { signal: ctx.stop });
    } catch {
      return null; // aborted
    }
    current = (await ctx.desk.request(current.id)) ?? current;
  }
  return current;
}
