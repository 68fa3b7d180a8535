/**
 * One session (shell or exec) from choice to end: which grant (menu), policy (grant re-check,
 * mode, no file transfer), the target connection, the recording and session row, the relay.
 */
import { randomUUID } from 'node:crypto';
import type { PseudoTtyInfo, PseudoTtyOptions, ServerChannel } from 'ssh2';
import { auditEvents } from '../core/audit-events.js';
import type { ChannelDenialDetails } from '../core/audit-payloads.js';
import type { Auditor } from '../core/auditor.js';
import type { Clock } from '../core/clock.js';
import type { SessionEndReason, SessionId, Target } from '../core/model.js';
import type { Logger } from '../logging/logger.js';
import { actorOf, type LoginOutcome } from '../transport/auth.js';
import { isFileTransferCommand } from '../core/channel-policy.js';
import { commandTargetMessages } from '../targets/command-target-link.js';
import { planCommandsGrant, type CommandHooks, type OpenTarget } from './commands-grant.js';
import type { LiveSession } from './live-sessions.js';
import { recheckGrant, type Choice } from './login-decision.js';
import { messages } from './messages.js';
import type { AccessGate, SessionTapFactory } from './ports.js';
import { startRelay, type Relay } from '../stream/relay.js';
import { openSessionRecording } from './session-recording.js';
import type { TargetLinkResult } from '../targets/ssh-target-link.js';
import { chooseFromMenu, describeChoices } from '../tty/target-menu.js';

/** What a session channel needs from its connection. */
export interface ChannelContext {
  readonly outcome: LoginOutcome;
  readonly gate: AccessGate;
  readonly auditor: Auditor;
  /** Opens the session's recording (before any byte is relayed). */
  readonly taps: SessionTapFactory;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly live: { add(session: LiveSession): void };
  readonly remoteAddr: string;
  targetLink(target: Target): Promise<TargetLinkResult>;
  touch(): void;
  /** Audits a refused channel or request (channel.denied). */
  deny(kind: string, details?: ChannelDenialDetails): void;
}

/** Exit status reported when gatehouse itself ends or refuses a session (as ssh does for its own errors). */
export const GATEHOUSE_EXIT = 255;

export async function runSession(
  channel: ServerChannel,
  command: string | null,
  ctx: ChannelContext,
  currentPty: () => PseudoTtyInfo | null,
  env: Readonly<Record<string, string>>,
  setRelay: (r: Relay) => void,
): Promise<void> {
  const { outcome, gate, clock } = ctx;
  const eol = currentPty() === null ? '\n' : '\r\n';
  const say = (line: string): void => {
    channel.stderr.write(`${line}${eol}`);
  };
  const refuse = (line: string, status = 1): void => {
    say(line);
    channel.exit(status);
    channel.end();
  };

  // 1. Which grant: the only one, or the menu (pty, shell), or a list and exit 1.
  let choice: Choice | undefined = outcome.choices.length === 1 ? outcome.choices[0] : undefined;
  let ndaAcknowledged = outcome.ndaJustAcknowledged;
  if (choice === undefined) {
    if (command !== null || currentPty() === null) {
      say(messages.noPtyChoice());
      for (const line of describeChoices(outcome.choices, clock.now())) say(line);
      refuse(`gatehouse: for example  ssh ${outcome.userName}+${outcome.choices[0]?.target.name ?? 'TARGET'}@…`);
      return;
    }
    const picked = await chooseFromMenu(channel, outcome.choices, clock.now(), (c) =>
      gate.acknowledgeNda(c.grant.id, clock.now(), actorOf(outcome.userName)),
    );
    if (picked === null) {
      refuse('gatehouse: no target chosen');
      return;
    }
    choice = picked.choice;
    ndaAcknowledged = picked.acknowledged;
  }
  const { target } = choice;
  const log = ctx.logger.child({ target: target.name, grantId: choice.grant.id });

  // An ssh target's connection (usually started at authentication, see connection.ts) comes up
  // while the grant is re-checked; nothing is opened on it before step 4.
  const linking = target.kind === 'ssh' ? ctx.targetLink(target) : null;

  // 2. Policy: the grant must still allow access now; this grant mode; no file transfer.
  const check = await recheckGrant(gate, outcome.userName, target.name, outcome.fingerprint, choice.grant, clock.now());
  if (!check.ok) {
    ctx.deny('session', { target: target.name, grantId: choice.grant.id, reason: check.reason });
    refuse(messages.accessDenied());
    return;
  }
  const grant = check.grant;
  if (target.kind === 'command' && grant.mode === 'shell' && command !== null) {
    // A command target runs its own program only; an exec is for allowlisted arguments (commands grants).
    const detail = 'a command target runs its own program only';
    const refused = { grantId: grant.id, user: outcome.userName, target: target.name, reason: 'command_target.fixed_program', detail } as const;
    await ctx.auditor.record(auditEvents.execDenied(refused), actorOf(outcome.userName));
    refuse(commandTargetMessages.fixedProgram(target.name));
    return;
  }
  // What step 4 relays: the shell or command on the target, unless the grant is an allowlist.
  let openTarget: OpenTarget = (link, ptyOpts) => (command === null ? link.shell(ptyOpts, env) : link.exec(command, ptyOpts, env));
  /** Set `onCommand` to see each command the restricted prompt runs (canonical argv). */
  const commandHooks: CommandHooks = { onCommand: null };
  if (grant.mode !== 'shell') {
    // Allowlist (commands-grant.ts): a denied exec is audited and refused here, before any session.
    const plan = await planCommandsGrant(
      command,
      { grant, target, userName: outcome.userName, auditor: ctx.auditor, clock, logger: log, pty: currentPty(), deny: (kind, details) => ctx.deny(kind, details) },
      commandHooks,
    );
    if (!plan.ok) {
      refuse(plan.line, plan.status);
      return;
    }
    command = plan.command;
    openTarget = plan.open;
  }
  if (command !== null && isFileTransferCommand(command)) {
    const refused = { grantId: grant.id, user: outcome.userName, target: target.name, reason: 'file_transfer', detail: 'file transfer is not offered' } as const;
    await ctx.auditor.record(auditEvents.execDenied(refused), actorOf(outcome.userName));
    refuse(messages.fileTransferRefused());
    return;
  }

  // 3. The target connection (lazy, shared by the connection's channels), host key pinned.
  const linked = await (linking ?? ctx.targetLink(target));
  if (!linked.ok) {
    if (linked.reason === 'hostkey.mismatch' || linked.reason === 'hostkey.unpinned') {
      const where = target.kind === 'command' ? {} : { host: target.host, port: target.port, pinned: target.hostKey };
      const payload = { target: target.name, ...where, presented: linked.presentedKey, user: outcome.userName };
      await ctx.auditor.record(auditEvents.hostkeyMismatch(payload), actorOf(outcome.userName));
      log.warn({ reason: linked.reason }, 'target host key refused');
      refuse(messages.hostKeyChanged(target), GATEHOUSE_EXIT);
    } else {
      refuse(messages.targetUnavailable(), GATEHOUSE_EXIT);
    }
    return;
  }

  // 4. The recording, the session row, the banner, the target channel, the relay.
  const sessionId = randomUUID() as SessionId;
  const slog = log.child({ sessionId });
  const actor = actorOf(outcome.userName);
  const base = { sessionId, grantId: grant.id, user: outcome.userName, target: target.name };
  const startedAt = clock.now();
  const opened = await openSessionRecording(
    { taps: ctx.taps, auditor: ctx.auditor, actor, logger: slog, base },
    { startedAt, userName: outcome.userName, targetName: target.name, command, pty: currentPty(), eol },
  );
  if (!opened.ok) {
    refuse(opened.line, GATEHOUSE_EXIT);
    return;
  }
  const { recording } = opened;
  const tell = (line: string): void => {
    say(line);
    recording.said(line);
  };
  await gate
    .startSession(
      { id: sessionId, grantId: grant.id, userId: grant.userId, targetId: target.id, startedAt, recordingPath: recording.relativePath },
      auditEvents.sessionStart({ ...base, kind: command === null ? 'shell' : 'exec', command, pty: currentPty() !== null, remoteAddr: ctx.remoteAddr }),
      actor,
    )
    .catch(async (err: unknown) => {
      await recording.abandon();
      throw err;
    });
  if (command !== null) recording.marker(`$ ${command}`);
  commandHooks.onCommand = (argv) => recording.markCommand(argv);
  if (ndaAcknowledged) recording.marker(`nda: ${choice.nda.ref} ("${choice.nda.title}") acknowledged`);
  else tell(messages.ndaNotice(choice.nda));
  tell(messages.sessionBanner(grant, clock.now()));

  const pty = currentPty();
  const ptyOptions: PseudoTtyOptions | false =
    pty === null ? false : { term: pty.term, cols: pty.cols, rows: pty.rows, width: pty.width, height: pty.height, modes: pty.modes };
  let endCause: SessionEndReason | null = null;
  let result: { exitStatus: number | null; bytesOut: number; bytesIn: number } = { exitStatus: null, bytesOut: 0, bytesIn: 0 };
  // Seals the recording (manifest, recording.sealed) and then ends the row; once. The relay runs
  // it before the user's channel closes, so both are done when ssh returns.
  let settled: Promise<void> | null = null;
  const settle = (): Promise<void> =>
    (settled ??= (async () => {
      const reason = endCause ?? 'closed';
      const sealed = await recording.finish();
      await gate.endSession(
        sessionId,
        { endedAt: clock.now(), reason, exitStatus: result.exitStatus, bytes: sealed.bytes, sha256: sealed.sha256 },
        auditEvents.sessionEnd({ ...base, reason, exitStatus: result.exitStatus, bytesIn: result.bytesIn, bytesOut: result.bytesOut }),
        actor,
      );
      slog.info({ reason, exitStatus: result.exitStatus }, 'session ended');
    })());
  try {
    const targetChannel = await openTarget(linked.link, ptyOptions, sessionId);
    const beforeExit = (r: typeof result): Promise<void> => {
      result = r;
      return settle();
    };
    const relay = startRelay(channel, targetChannel, { onActivity: () => ctx.touch(), tap: recording.tap, beforeExit }, pty !== null);
    setRelay({
      ...relay,
      resize: (cols, rows, height, width) => {
        recording.resize(cols, rows);
        relay.resize(cols, rows, height, width);
      },
    });
    recording.onStrictFailure((line) => {
      endCause ??= 'error';
      relay.terminate(line, GATEHOUSE_EXIT);
    });
    const now = clock.now();
    const warned = new Set([5, 1].filter((m) => grant.endsAt - now <= m * 60_000));
    let markEnded: () => void = () => undefined;
    const ended = new Promise<void>((res) => {
      markEnded = res;
    });
    ctx.live.add({
      id: sessionId,
      grant,
      userName: outcome.userName,
      targetName: target.name,
      fingerprint: outcome.fingerprint,
      warned,
      notify: (line) => {
        tell(line);
        recording.marker(line);
      },
      terminate: (cause, line) => {
        endCause ??= cause;
        relay.terminate(line, GATEHOUSE_EXIT);
      },
      ended,
    });
    slog.info('session started');
    try {
      result = await relay.done;
    } finally {
      markEnded();
    }
  } catch (err) {
    endCause = 'error';
    slog.warn({ err }, 'target channel failed');
    recording.said(messages.targetUnavailable());
    refuse(messages.targetUnavailable(), GATEHOUSE_EXIT);
  }
  await settle();
}
