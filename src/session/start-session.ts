import { randomUUID } from 'node:crypto';
import { isRefusal, type Refusal } from '../core/refusal.js';
import type { SessionId } from '../core/model.js';
import type { Pty, UserChannel } from '../stream/channels.js';
import { chooseGrant } from './choose-grant.js';
import { linkTarget } from './link-target.js';
import { commandMarker, relaySession, type RunningControls } from './relay-session.js';
import type { SessionContext } from './session-context.js';
import { decideSession } from './session-policy.js';

export interface StartRequest {
  readonly io: UserChannel;
  readonly command: string | null;
  readonly env: Readonly<Record<string, string>>;
  readonly currentPty: () => Pty | null;
  readonly setControls: (controls: RunningControls) => void;
}

/**
 * One session channel from choice to seal, as stages that each return a value or a refusal:
 * choose the grant → decide (policy) → link the target → open the record → relay → seal.
 */
export async function startSession(
  ctx: SessionContext,
  request: StartRequest,
): Promise<Refusal | null> {
  const { io, command } = request;
  const pty = request.currentPty();
  const say = (line: string): void => {
    io.stderr.write(`${line}${pty === null ? '\n' : '\r\n'}`);
  };
  const chosen = await chooseGrant(io, ctx, command, pty !== null, say);
  if (isRefusal(chosen)) return chosen;
  const { target } = chosen.choice;
  const sctx = {
    ...ctx,
    logger: ctx.logger.child({ target: target.name, grantId: chosen.choice.grant.id }),
  };

  // An ssh target's link (usually dialled at login, see connection-chain.ts) comes up while the
  // grant is re-checked; nothing is opened on it before the record is.
  const linking = target.kind === 'ssh' ? ctx.link(target) : null;
  let onCommand: (argv: readonly string[]) => void = () => undefined;
  const plan = await decideSession(sctx, chosen.choice, command, pty, request.env, (argv) =>
    onCommand(argv),
  );
  if (isRefusal(plan)) return plan;
  if (plan.allowed !== null) await ctx.audit(plan.allowed);

  const link = await linkTarget(target, plan.grant.id, linking ?? ctx.link(target));
  if (isRefusal(link)) return link;

  const sessionId = randomUUID() as SessionId;
  const record = await ctx.lifecycle.open({
    sessionId,
    grant: plan.grant,
    target,
    userName: ctx.outcome.userName,
    command: plan.command,
    pty: request.currentPty(),
    remoteAddr: ctx.remoteAddr,
    startedAt: ctx.clock.now(),
  });
  if (isRefusal(record)) return record;
  onCommand = (argv) => record.marker(commandMarker(argv));
  await relaySession(
    {
      io,
      sessionId,
      chosen,
      plan,
      link,
      record,
      currentPty: request.currentPty,
      setControls: request.setControls,
    },
    { ...sctx, logger: sctx.logger.child({ sessionId }) },
  );
  return null;
}
