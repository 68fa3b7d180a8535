import type { RequestedMode } from '../../core/access-request.js';
import { isRefusal, type Refusal } from '../../core/refusal.js';
import { chooseNda } from './choose-nda.js';
import { refused, type CommandContext, type Reply } from './command-context.js';
import type { AskedMode, SelfServiceCommand } from './parse-command.js';
import { planRequest, submitRequest } from './submit-request.js';

type FileCommand = Extract<SelfServiceCommand, { kind: 'request' }>;

/** A profile as the rules see it: its patterns from the current config (none when unknown). */
const requestedMode = (asked: AskedMode, ctx: CommandContext): RequestedMode =>
  asked.kind === 'profile'
    ? {
        kind: 'profile',
        name: asked.name,
        patterns: ctx.settings.profiles[asked.name]?.allow ?? [],
      }
    : asked;

/** `request TARGET --for D --reason …`: a new grant asked for. */
export async function fileRequest(ctx: CommandContext, cmd: FileCommand): Promise<Reply | Refusal> {
  const mode = requestedMode(cmd.mode, ctx);
  // A profile's transfer rights are asked for unless a transfer option says otherwise.
  const transfer =
    mode.kind === 'profile' && !cmd.transferTyped
      ? (ctx.settings.profiles[mode.name]?.transfer ?? cmd.transfer)
      : cmd.transfer;
  const plan = planRequest(
    ctx,
    { kind: 'grant', target: cmd.target, mode, durationMs: cmd.durationMs, transfer },
    null,
  );
  if (isRefusal(plan)) return plan;
  // Config checks make every mode a rule offers a known profile; fail closed if one is not.
  if (mode.kind === 'profile' && mode.patterns.length === 0)
    return refused(`request: profile ${mode.name} is not defined in the config`);
  const nda = chooseNda(await ctx.desk.ndas(ctx.to.userName), cmd.ndaId, ctx.clock.now());
  if (!nda.ok) return refused(nda.message);
  return submitRequest(
    ctx,
    {
      kind: 'grant',
      userName: ctx.to.userName,
      targetName: cmd.target,
      grantId: null,
      ndaId: nda.nda.id,
      mode,
      transfer: plan.transfer,
      durationMs: cmd.durationMs,
      reason: cmd.reason,
    },
    plan,
    cmd,
  );
}
