import type { RequestedMode } from '../../core/access-request.js';
import { grantState } from '../../core/grant-state.js';
import type { Grant } from '../../core/model.js';
import type { Profile } from '../../core/profile.js';
import { formatTimestamp as iso } from '../../core/timestamp.js';
import { isRefusal, type Refusal } from '../../core/refusal.js';
import { refused, type CommandContext, type Reply } from './command-context.js';
import type { SelfServiceCommand } from './parse-command.js';
import { planRequest, submitRequest } from './submit-request.js';

type ExtendCommand = Extract<SelfServiceCommand, { kind: 'extend' }>;

/**
 * The grant's mode as a request names it: a shell, or its patterns, read as a profile when they
 * are exactly one profile's (so a rule offering that profile, and not free patterns, may extend it).
 */
function grantModeAsRequested(
  grant: Grant,
  profiles: Readonly<Record<string, Profile>>,
): RequestedMode {
  if (grant.mode === 'shell') return { kind: 'shell' };
  const same = (patterns: readonly string[]) =>
    patterns.length === grant.allowlist.length &&
    patterns.every((p, i) => p === grant.allowlist[i]);
  const profile = Object.entries(profiles).find(([, { allow }]) => same(allow));
  return profile === undefined
    ? { kind: 'allowlist', patterns: grant.allowlist }
    : { kind: 'profile', name: profile[0], patterns: profile[1].allow };
}

/**
 * `request extend GRANT --for D --reason …`: more time on one of the user's live grants, under
 * the first rule for its target that offers the grant's mode and allows its file transfer as it
 * is, through the same approval path.
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
  const mode = grantModeAsRequested(grant, ctx.settings.profiles);
  const plan = planRequest(
    ctx,
    {
      kind: 'extend',
      target: targetName,
      mode,
      durationMs: cmd.durationMs,
      transfer: grant.transfer,
    },
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
      mode,
      transfer: grant.transfer,
      durationMs: cmd.durationMs,
      reason: cmd.reason,
    },
    plan,
    cmd,
  );
}
