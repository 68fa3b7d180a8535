/**
 * Enforcement for `commands` grants (DESIGN.md §5): an exec is matched against the grant's
 * allowlist before any session exists (denied: a refusal, exit 126); an allowed exec runs as the
 * canonical, re-quoted argv without a pty and without env; a shell request with a pty gets the
 * restricted prompt, whose every line is decided the same way; without a pty it is refused.
 */
import { auditEvents, type AuditEventOf } from '../core/audit-events.js';
import { matchCommand, quoteArgv } from '../core/command-policy.js';
import type { Grant, SessionId, Target } from '../core/model.js';
import { refuse, type Refusal } from '../core/refusal.js';
import type { Pty, TargetChannel } from '../stream/channels.js';
import { CrlfExecChannel } from '../stream/virtual-channel.js';
import type { TargetLink } from '../targets/target-link.js';
import { RestrictedPrompt } from '../tty/restricted-prompt.js';
import type { SessionContext } from './session-context.js';

/** Exit status for a refused command (as a shell's "found but not executable"). */
export const COMMAND_DENIED_EXIT = 126;

export const commandMessages = {
  notAllowed: (grant: Grant): string => `gatehouse: command not allowed by grant ${grant.id}`,
  promptNeedsPty: (grant: Grant, login: string): string =>
    `gatehouse: grant ${grant.id} allows only commands; run ssh -t ${login}@… for the restricted prompt, or ssh ${login}@… COMMAND`,
};

/** Opens what the session relays: a channel on the target, or one gatehouse plays itself. */
export type OpenTarget = (
  link: TargetLink,
  pty: Pty | null,
  sessionId: SessionId,
  /** Config `alerts` on a restricted-prompt line about to run (OpenSession.checkCommand). */
  checkAlerts: (command: string) => string | null,
) => Promise<TargetChannel>;

export interface CommandScope {
  readonly grant: Grant;
  readonly target: Target;
  readonly userName: string;
}

export type CommandDecision =
  | {
      readonly ok: true;
      readonly argv: readonly string[];
      readonly command: string;
      readonly event: AuditEventOf<'exec.allowed'>;
    }
  | Refusal;

/** Matches `command` against the grant's allowlist: an `exec.allowed` event, or a refusal. */
export function decideCommand(
  scope: CommandScope,
  command: string,
  sessionId: SessionId | null = null,
): CommandDecision {
  const { grant, target, userName } = scope;
  const match = matchCommand(command, grant.allowlist);
  if (!match.ok) {
    const where = { target: target.name, grantId: grant.id };
    return refuse.exec(
      where,
      match.reason,
      match.detail,
      commandMessages.notAllowed(grant),
      COMMAND_DENIED_EXIT,
      sessionId,
    );
  }
  const inSession = sessionId === null ? {} : { sessionId };
  const event = auditEvents.execAllowed({
    grantId: grant.id,
    user: userName,
    target: target.name,
    ...inSession,
    argv: match.argv,
    pattern: match.pattern,
  });
  return { ok: true, argv: match.argv, command: quoteArgv(match.argv), event };
}

export interface CommandsPlan {
  /** The canonical command an exec runs (null for the prompt). */
  readonly command: string | null;
  readonly open: OpenTarget;
  /** What to audit before the session starts (an allowed exec). */
  readonly allowed: AuditEventOf<'exec.allowed'> | null;
}

/** Decides a session channel under a `commands` grant. */
export function planCommandsGrant(
  scope: CommandScope,
  command: string | null,
  pty: Pty | null,
  ctx: SessionContext,
  onCommand: (argv: readonly string[]) => void,
): CommandsPlan | Refusal {
  const { grant, target, userName } = scope;
  if (command !== null) {
    const decided = decideCommand(scope, command);
    if (!decided.ok) return decided;
    const open: OpenTarget = async (link) => {
      const channel = await link.exec(decided.command, null, {});
      return pty === null ? channel : new CrlfExecChannel(channel);
    };
    return { command: decided.command, open, allowed: decided.event };
  }
  if (pty === null) {
    const line = commandMessages.promptNeedsPty(grant, `${userName}+${target.name}`);
    return refuse.channel('session', {
      details: { target: target.name, grantId: grant.id, reason: 'mode.commands' },
      line,
    });
  }
  const open: OpenTarget = async (link, current, sessionId, checkAlerts) =>
    new RestrictedPrompt({
      grant,
      targetName: target.name,
      userName,
      clock: ctx.clock,
      logger: ctx.logger.child({ sessionId }),
      cols: current !== null && current.cols > 0 ? current.cols : 80,
      link,
      check: async (line) => {
        const decided = decideCommand(scope, line, sessionId);
        await ctx.audit(decided.ok ? decided.event : decided);
        // An `end` rule also ends the session (OpenSession.onAlertEnd).
        return decided.ok && checkAlerts(line) === null ? decided : { ok: false };
      },
      onCommand,
      deniedLine: commandMessages.notAllowed(grant),
    });
  return { command: null, open, allowed: null };
}
