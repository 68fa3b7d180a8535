/**
 * The sftp subsystem from choice to seal (issue 16), the stages of a shell or exec
 * (./start-session.ts) with the transfer policy: the grant must still allow access and allow
 * some transfer, on an ssh target (a command target runs its own program only).
 */
import { randomUUID } from 'node:crypto';
import type { Choice } from '../core/login.js';
import type { Grant, SessionId } from '../core/model.js';
import { isRefusal, refuse, type Refusal } from '../core/refusal.js';
import { messages } from '../core/user-messages.js';
import type { UserChannel } from '../stream/channels.js';
import { chooseGrant } from './choose-grant.js';
import { linkTarget } from './link-target.js';
import { relayTransfer } from './relay-transfer.js';
import type { SessionContext } from './session-context.js';
import { currentGrant } from './session-policy.js';

export async function startTransfer(ctx: SessionContext, io: UserChannel): Promise<Refusal | null> {
  const say = (line: string): void => {
    io.stderr.write(`${line}\n`);
  };
  // Without a terminal there is no menu: several grants are a refusal naming USER+TARGET.
  const chosen = await chooseGrant(io, ctx, 'sftp', false, say);
  if (isRefusal(chosen)) return chosen;
  const { target } = chosen.choice;
  const logger = ctx.logger.child({ target: target.name, grantId: chosen.choice.grant.id });
  const sctx = { ...ctx, logger };

  const linking = target.kind === 'ssh' ? ctx.link(target) : null;
  const grant = await decideTransfer(sctx, chosen.choice);
  if (isRefusal(grant)) return grant;
  const link = await linkTarget(target, grant.id, linking ?? ctx.link(target));
  if (isRefusal(link)) return link;

  const sessionId = randomUUID() as SessionId;
  const record = await ctx.lifecycle.open({
    sessionId,
    grant,
    target,
    userName: ctx.outcome.userName,
    command: null,
    pty: null,
    remoteAddr: ctx.remoteAddr,
    startedAt: ctx.clock.now(),
    subsystem: 'sftp',
  });
  if (isRefusal(record)) return record;
  await relayTransfer(
    { io, sessionId, grant, chosen, link, record },
    { ...sctx, logger: logger.child({ sessionId }) },
  );
  return null;
}

/** The transfer policy stage: the grant as it is now, if it allows file transfer here. */
async function decideTransfer(ctx: SessionContext, choice: Choice): Promise<Grant | Refusal> {
  const grant = await currentGrant(ctx, choice);
  if (isRefusal(grant)) return grant;
  const scope = { target: choice.target.name, grantId: grant.id };
  if (choice.target.kind === 'command')
    return refuse.transfer(
      scope,
      'a command target offers no file transfer',
      messages.transferOnCommandTarget(choice.target.name),
    );
  if (grant.transfer.direction === 'none')
    return refuse.transfer(
      scope,
      'this grant allows no file transfer',
      messages.transferNotGranted(),
    );
  return grant;
}
