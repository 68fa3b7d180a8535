/**
 * Enforcement for `commands` grants (DESIGN.md §5, issue 4): an exec is matched against the
 * grant's allowlist before any session exists (denied: one `exec.denied` audit row, exit 126);
 * an allowed exec runs as the canonical, re-quoted argv without a pty and without env; a shell
 * request with a pty gets the restricted prompt; without a pty it is refused.
 */
import type { ClientChannel, PseudoTtyInfo, PseudoTtyOptions } from 'ssh2';
import { auditEvents } from '../core/audit-events.js';
import type { ChannelDenialDetails } from '../core/audit-payloads.js';
import type { Auditor } from '../core/auditor.js';
import type { Clock } from '../core/clock.js';
import { matchCommand, quoteArgv } from '../core/command-policy.js';
import type { Grant, SessionId, Target } from '../core/model.js';
import type { Logger } from '../logging/logger.js';
import { actorOf } from '../transport/auth.js';
import { RestrictedPrompt } from '../tty/restricted-prompt.js';
import type { TargetLink } from '../targets/ssh-target-link.js';
import { CrlfExecChannel } from '../stream/virtual-channel.js';

/** Exit status for a refused command (as a shell's "found but not executable"). */
export const COMMAND_DENIED_EXIT = 126;

export const commandMessages = {
  notAllowed: (grant: Grant): string => `gatehouse: command not allowed by grant ${grant.id}`,
  promptNeedsPty: (grant: Grant, login: string): string =>
    `gatehouse: grant ${grant.id} allows only commands; run ssh -t ${login}@… for the restricted prompt, or ssh ${login}@… COMMAND`,
};

export interface CommandsGrantContext {
  readonly grant: Grant;
  readonly target: Target;
  readonly userName: string;
  readonly auditor: Auditor;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The user's pty, or null. The target never gets one for an allowlisted command. */
  readonly pty: PseudoTtyInfo | null;
  /** Audits a refused channel request (channel.denied). */
  deny(kind: string, details?: ChannelDenialDetails): void;
}

/** Set by the session (the recorder marks each command the restricted prompt runs). */
export interface CommandHooks {
  onCommand: ((argv: readonly string[]) => void) | null;
}

export type CommandCheck =
  | { readonly ok: true; readonly argv: readonly string[]; readonly command: string }
  | { readonly ok: false };

/** Matches `command` against the grant's allowlist and audits the decision (exactly one row). */
export async function checkCommand(
  ctx: CommandsGrantContext,
  command: string,
  extra: { readonly sessionId?: SessionId } = {},
): Promise<CommandCheck> {
  const match = matchCommand(command, ctx.grant.allowlist);
  const base = { grantId: ctx.grant.id, user: ctx.userName, target: ctx.target.name, ...extra };
  if (!match.ok) {
    ctx.logger.info({ reason: match.reason }, 'command denied');
    const payload = { ...base, reason: match.reason, detail: match.detail };
    await ctx.auditor.record(auditEvents.execDenied(payload), actorOf(ctx.userName));
    return { ok: false };
  }
  ctx.logger.info({ pattern: match.pattern }, 'command allowed');
  const payload = { ...base, argv: match.argv, pattern: match.pattern };
  await ctx.auditor.record(auditEvents.execAllowed(payload), actorOf(ctx.userName));
  return { ok: true, argv: match.argv, command: quoteArgv(match.argv) };
}

/** Opens what the session relays: a channel on the target, or one gatehouse plays itself. */
export type OpenTarget = (link: TargetLink, pty: PseudoTtyOptions | false, sessionId: SessionId) => Promise<ClientChannel>;

export type CommandsPlan =
  | { readonly ok: false; readonly line: string; readonly status: number }
  | { readonly ok: true; readonly command: string | null; readonly open: OpenTarget };

/** Decides a session channel under a `commands` grant; a refusal is already audited. */
export async function planCommandsGrant(
  command: string | null,
  ctx: CommandsGrantContext,
  hooks: CommandHooks,
): Promise<CommandsPlan> {
  if (command !== null) {
    const checked = await checkCommand(ctx, command);
    if (!checked.ok) return { ok: false, line: commandMessages.notAllowed(ctx.grant), status: COMMAND_DENIED_EXIT };
    const open: OpenTarget = async (link) => {
      const channel = await link.exec(checked.command, false, {});
      return ctx.pty === null ? channel : new CrlfExecChannel(channel).asClientChannel();
    };
    return { ok: true, command: checked.command, open };
  }
  if (ctx.pty === null) {
    ctx.deny('session', { target: ctx.target.name, grantId: ctx.grant.id, reason: 'mode.commands' });
    return { ok: false, line: commandMessages.promptNeedsPty(ctx.grant, `${ctx.userName}+${ctx.target.name}`), status: 1 };
  }
  const open: OpenTarget = async (link, pty, sessionId) =>
    new RestrictedPrompt({
      grant: ctx.grant,
      targetName: ctx.target.name,
      userName: ctx.userName,
      clock: ctx.clock,
      logger: ctx.logger.child({ sessionId }),
      cols: pty === false ? 80 : (pty.cols ?? 80),
      link,
      check: (line) => checkCommand(ctx, line, { sessionId }),
      onCommand: (argv) => hooks.onCommand?.(argv),
      deniedLine: commandMessages.notAllowed(ctx.grant),
    }).asClientChannel();
  return { ok: true, command: null, open };
}
