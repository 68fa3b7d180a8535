import { grantState } from '../../core/grant-state.js';
import { formatTimestamp as iso } from '../../core/timestamp.js';
import { isRefusal, type Refusal } from '../../core/refusal.js';
import { refused, type CommandContext, type Reply } from './command-context.js';
import type { SelfServiceCommand } from './parse-command.js';
import { planRequest, submitRequest } from './submit-request.js';

type ExtendCommand = Extract<SelfServiceCommand, { kind: 'extend' }>;

/**
 * `request extend GRANT --for D --reason …`: more time on one of the user's live grants, under
 * the rule for its target (whatever its mode), through the same approval path.
 */
export async function extendRequest(
  ctx: CommandContext,
  cmd: ExtendCommand,
): Promise<Reply | Refusal> {
  const now = ctx.clock.now();
  const own = (await ctx.desk.grants(ctx.to.userName)).find((g) => g.grant.id === cmd.grantId);
  if (own === undefined) return refused(`grant: you have no grant ${cmd.grantId}`);
  const { grant, targetName } = own;
  const state = grantState(grant, now);
  if (state !== 'active') {
    const why =
      state === 'revoked'
        ? 'was revoked'
        : state === 'pending'
          ? `starts ${iso(grant.startsAt)}`
          : `ended ${iso(grant.endsAt)}`;
    return refused(`grant: grant ${grant.id} ${why}; only a live grant can be extended`);
  }
  const plan = planRequest(
    ctx,
    { kind: 'extend', target: targetName, mode: null, durationMs: cmd.durationMs },
    grant.id,
  );
  if (isRefusal(plan)) return plan;
  return submitRequest(
    ctx,
    {
      kind: 'extend',
      userName: ctx.to.userName,
      targetName,
      grantId: grant.id,
      ndaId: grant.ndaId,
      mode:
        grant.mode === 'shell'
          ? { kind: 'shell' }
          : { kind: 'allowlist', patterns: grant.allowlist },
      durationMs: cmd.durationMs,
      reason: cmd.reason,
    },
    plan,
    cmd,
  );
}
