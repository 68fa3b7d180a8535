import type { AuditEventOf } from '../core/audit-events.js';
import { isFileTransferCommand } from '../core/channel-policy.js';
import type { Choice } from '../core/login.js';
import type { Grant } from '../core/model.js';
import { isRefusal, refuse, type Refusal } from '../core/refusal.js';
import { messages } from '../core/user-messages.js';
import type { Pty } from '../stream/channels.js';
import { planCommandsGrant, type OpenTarget } from './commands-grant.js';
import { recheckGrant } from './login-decision.js';
import type { SessionContext } from './session-context.js';

/** What a session channel may do, decided before anything is opened. */
export interface SessionPlan {
  /** The grant as re-checked now. */
  readonly grant: Grant;
  /** What runs: the user's command (shell grant), the canonical argv (allowlist), or null. */
  readonly command: string | null;
  /** The exec command as the client sent it (what `alerts` command rules read); null without one. */
  readonly sent: string | null;
  readonly open: OpenTarget;
  /** An allowed command's event, audited before the session starts. */
  readonly allowed: AuditEventOf<'exec.allowed'> | null;
}

/** The chosen grant as it is now, or a refusal when it no longer allows access. */
export async function currentGrant(ctx: SessionContext, choice: Choice): Promise<Grant | Refusal> {
  const { outcome, clock } = ctx;
  const check = await recheckGrant(
    ctx.gate,
    outcome.userName,
    choice.target.name,
    outcome.fingerprint,
    choice.grant,
    clock.now(),
  );
  if (check.ok) return check.grant;
  return refuse.channel('session', {
    details: { target: choice.target.name, grantId: choice.grant.id, reason: check.reason },
    line: messages.accessDenied(),
  });
}

/**
 * The policy stage: the grant must still allow access now; a command target runs only its own
 * program; an allowlist grant decides its command (or the prompt); no legacy scp or rsync
 * (file transfer is the sftp subsystem: ./start-transfer.ts).
 */
export async function decideSession(
  ctx: SessionContext,
  choice: Choice,
  command: string | null,
  pty: Pty | null,
  env: Readonly<Record<string, string>>,
  onCommand: (argv: readonly string[]) => void,
): Promise<SessionPlan | Refusal> {
  const { outcome } = ctx;
  const { target } = choice;
  const grant = await currentGrant(ctx, choice);
  if (isRefusal(grant)) return grant;
  const scope = { target: target.name, grantId: grant.id };
  if (target.kind === 'command' && grant.mode === 'shell' && command !== null) {
    // A command target runs its own program only; an exec is for allowlisted arguments (commands grants).
    return refuse.exec(
      scope,
      'command_target.fixed_program',
      'a command target runs its own program only',
      messages.commandTargetFixedProgram(target.name),
      1,
    );
  }
  let plan: SessionPlan = {
    grant,
    command,
    sent: command,
    open: (link, p) => (command === null ? link.shell(p, env) : link.exec(command, p, env)),
    allowed: null,
  };
  if (grant.mode !== 'shell') {
    const commands = planCommandsGrant(
      { grant, target, userName: outcome.userName },
      command,
      pty,
      ctx,
      onCommand,
    );
    if ('ok' in commands) return commands;
    plan = { grant, sent: command, ...commands };
  }
  if (plan.command !== null && isFileTransferCommand(plan.command)) {
    return refuse.exec(
      scope,
      'file_transfer',
      'legacy scp and rsync are not relayed',
      messages.legacyTransferRefused(),
      1,
    );
  }
  return plan;
}
