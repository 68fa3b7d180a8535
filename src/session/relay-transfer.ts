/**
 * The relay stage of a transfer session (issue 16): the target's sftp subsystem, the SFTP relay
 * (injected: src/sftp/ implements RelaySftp) with the grant's transfer rights and budget, the
 * transfer log and its audit events, live enforcement (a revoke, kill, expiry or recording
 * failure ends it as it ends a shell), then the seal and the exit status.
 */
import type { SessionEndReason, SessionId, Grant } from '../core/model.js';
import { messages } from '../core/user-messages.js';
import type { SftpSessionRules } from '../sftp/sftp-ports.js';
import { onChannelExit, type ChannelExit } from '../stream/channel-exit.js';
import type { UserChannel } from '../stream/channels.js';
import type { TargetLink } from '../targets/target-link.js';
import type { Chosen } from './choose-grant.js';
import type { CloseCause } from './live-sessions.js';
import type { OpenSession } from './ports.js';
import { registerLive, sealBeforeExit } from './relay-session.js';
import type { SessionContext } from './session-context.js';
import { SessionOutput } from './session-output.js';
import { sftpObserver } from './sftp-observer.js';
import { endUserChannel, GATEHOUSE_EXIT, sendExitStatus } from './user-exit.js';

export interface TransferJob {
  readonly io: UserChannel;
  readonly sessionId: SessionId;
  /** The grant as re-checked at the start. */
  readonly grant: Grant;
  readonly chosen: Chosen;
  readonly link: TargetLink;
  readonly record: OpenSession;
}

/** A relay that has not ended this long after the target was closed is not waited for. */
const CLOSE_GRACE_MS = 1000;

export async function relayTransfer(job: TransferJob, ctx: SessionContext): Promise<void> {
  const { io, record, grant, sessionId } = job;
  const { choice } = job.chosen;
  const log = ctx.logger;
  const userClosed = new Promise<void>((res) => io.once('close', () => res()));
  const { nda } = choice;
  record.marker(
    job.chosen.ndaAcknowledged
      ? `nda: ${nda.ref} ("${nda.title}") acknowledged`
      : messages.ndaNotice(nda),
  );
  const subject = {
    sessionId,
    grantId: grant.id,
    user: ctx.outcome.userName,
    target: choice.target.name,
  };
  // The recording's door: the transfer log as its output (the relayed SFTP bytes are not
  // recorded); gatehouse's own lines on the user's stderr (sftp and scp show them) as markers.
  const output = new SessionOutput(io, record.tap, '\n');
  const observer = sftpObserver(
    subject,
    (event) => ctx.audit(event),
    (line) => output.output(Buffer.from(`${line}\n`, 'utf8'), 'stdout'),
  );

  let endCause: SessionEndReason | null = null;
  let overridden: number | null = null;
  let exit: ChannelExit | null = null;
  const seal = (): Promise<void> =>
    record.seal({
      reason: endCause ?? 'closed',
      exitStatus: overridden ?? exit?.code ?? null,
      ...observer.tally(),
      stdin: null,
    });

  const target = await job.link.subsystem('sftp').catch((err: unknown) => {
    log.warn({ err }, 'target sftp subsystem failed');
    return null;
  });
  if (target === null) {
    endCause = 'error';
    output.say(messages.targetUnavailable());
    endUserChannel(io, GATEHOUSE_EXIT, null);
    await seal();
    return;
  }
  // ssh2 closes a channel as it ends it, and sshd may send the subsystem's EOF before its exit
  // status: the status goes to the user as soon as it is known, and the relay ends the user's
  // channel only after the target's close (`userMayEnd`), which follows the status.
  let exitSent = false;
  const sendExit = (): void => {
    if (exitSent) return;
    exitSent = true;
    sendExitStatus(io, overridden, exit);
  };
  onChannelExit(target, (e) => {
    exit = e;
    sendExit();
  });

  let forceEnd: () => void = () => undefined;
  const forced = new Promise<void>((res) => {
    forceEnd = res;
  });
  const closeTarget = (): void => {
    target.close();
    setTimeout(forceEnd, CLOSE_GRACE_MS).unref();
  };
  const terminate = (cause: CloseCause, line: string): void => {
    if (overridden !== null) return;
    endCause ??= cause;
    overridden = GATEHOUSE_EXIT;
    output.sayClosing(line);
    sendExit();
    closeTarget();
  };
  // The relay reports the files still open when the user leaves; then the target goes too.
  void userClosed.then(closeTarget);
  record.onEndingFailure((line) => terminate('error', line));
  record.onAlertEnd((line) => terminate('killed', line));
  const ended = registerLive(ctx, {
    sessionId,
    grant,
    targetName: choice.target.name,
    notify: (line) => output.say(line),
    terminate,
  });
  const rules: SftpSessionRules = {
    rights: grant.transfer,
    takeBudget: (bytes) => ctx.gate.takeTransferBudget(grant.id, bytes),
    observer,
    ...(record.copies === null ? {} : { copies: record.copies }),
    // The exit status comes before the target channel's close (and is sent on at once).
    userMayEnd: new Promise<void>((res) => target.once('close', () => res())),
  };
  log.info({ direction: grant.transfer.direction }, 'transfer session started');
  try {
    const relayed = ctx.relaySftp(io, target, rules).catch((err: unknown) => {
      log.warn({ err }, 'sftp relay failed');
      endCause ??= 'error';
    });
    // SFTP bytes either way are the connection's activity (a long download is not idle); an
    // idle `sftp>` prompt sends none, so the idle timeout ends it as it ends an idle shell.
    // Listened to after the relay's own listeners: they set the streams flowing.
    const touch = (): void => ctx.touch();
    io.on('data', touch);
    target.on('data', touch);
    await Promise.race([relayed, forced]);
    await sealBeforeExit(seal(), userClosed);
  } finally {
    ended(); // after the seal: the drain waits for it before it closes the store
  }
  target.close();
  if (exitSent) io.end();
  else endUserChannel(io, overridden, exit);
  await seal();
}
