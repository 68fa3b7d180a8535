import { quoteArgv } from '../core/command-policy.js';
import type { Choice } from '../core/login.js';
import type { Grant, SessionEndReason, SessionId } from '../core/model.js';
import { messages } from '../core/user-messages.js';
import { onChannelExit, type ChannelExit } from '../stream/channel-exit.js';
import type { Pty, UserChannel } from '../stream/channels.js';
import { startRelay } from '../stream/relay.js';
import type { TargetLink } from '../targets/target-link.js';
import type { CloseCause } from './live-sessions.js';
import type { OpenSession } from './ports.js';
import type { SessionContext } from './session-context.js';
import { SessionOutput } from './session-output.js';
import type { SessionPlan } from './session-policy.js';
import { endUserChannel, GATEHOUSE_EXIT } from './user-exit.js';

/** How a running session is reached from its channel's later requests. */
export interface RunningControls {
  resize(cols: number, rows: number, width: number, height: number): void;
  signal(name: string): void;
}

export interface RelayJob {
  readonly io: UserChannel;
  readonly sessionId: SessionId;
  readonly chosen: { readonly choice: Choice; readonly ndaAcknowledged: boolean };
  readonly plan: SessionPlan;
  readonly link: TargetLink;
  readonly record: OpenSession;
  /** The pty as it is now (window changes applied). */
  readonly currentPty: () => Pty | null;
  /** Where the channel's resize and signal requests go once the target channel is open. */
  readonly setControls: (controls: RunningControls) => void;
}

/** The seal runs before the user's channel gets its exit status, waited for at most this long. */
const SEAL_BEFORE_EXIT_MS = 10_000;

/** Waits for the seal before the exit status, at most SEAL_BEFORE_EXIT_MS or until the user left. */
export const sealBeforeExit = (
  seal: Promise<unknown>,
  userClosed: Promise<unknown>,
): Promise<unknown> =>
  Promise.race([
    seal.catch(() => undefined),
    userClosed,
    new Promise((res) => setTimeout(res, SEAL_BEFORE_EXIT_MS).unref()),
  ]);

/** The relay stage: notices, the target channel, the byte pump, live enforcement, seal, exit. */
export async function relaySession(job: RelayJob, ctx: SessionContext): Promise<void> {
  const { io, record, plan, sessionId } = job;
  const log = ctx.logger;
  const output = new SessionOutput(io, record.tap, job.currentPty() === null ? '\n' : '\r\n');
  const userClosed = new Promise<void>((res) => io.once('close', () => res()));
  if (plan.command !== null) record.marker(`$ ${plan.command}`);
  const { nda } = job.chosen.choice;
  if (job.chosen.ndaAcknowledged) record.marker(`nda: ${nda.ref} ("${nda.title}") acknowledged`);
  else output.say(messages.ndaNotice(nda));
  output.say(messages.sessionBanner(plan.grant, ctx.clock.now()));

  let endCause: SessionEndReason | null = null;
  let overridden: number | null = null;
  let exit: ChannelExit | null = null;
  let counts = { bytesIn: 0, bytesOut: 0 };
  const seal = (): Promise<void> =>
    record.seal({
      reason: endCause ?? 'closed',
      exitStatus: overridden ?? exit?.code ?? null,
      ...counts,
      stdin: output.stdin?.digest() ?? null,
    });
  const refusedByAlert = plan.sent === null ? null : record.checkCommand(plan.sent);
  if (refusedByAlert !== null) {
    // The command never reaches the target: gatehouse ends the session, as on an admin's kill.
    endCause = 'killed';
    output.sayClosing(refusedByAlert);
    await sealBeforeExit(seal(), userClosed);
    endUserChannel(io, GATEHOUSE_EXIT, null);
    await seal();
    return;
  }
  try {
    const target = await plan.open(job.link, job.currentPty(), sessionId, (command) =>
      record.checkCommand(command),
    );
    onChannelExit(target, (e) => {
      exit = e;
    });
    const relay = startRelay(io, target, output, () => ctx.touch());
    job.setControls({
      resize: (cols, rows, width, height) => {
        record.resize(cols, rows);
        target.setWindow(rows, cols, height, width);
      },
      signal: (name) => {
        try {
          target.signal(name);
        } catch {
          // an unknown signal name: ignored, as OpenSSH's sshd does
        }
      },
    });
    const terminate = (cause: CloseCause, line: string): void => {
      if (overridden !== null) return;
      endCause ??= cause;
      overridden = GATEHOUSE_EXIT;
      relay.stop();
      output.sayClosing(line);
    };
    record.onEndingFailure((line) => terminate('error', line));
    record.onAlertEnd((line) => terminate('killed', line));
    const ended = registerLive(ctx, {
      sessionId,
      grant: plan.grant,
      targetName: job.chosen.choice.target.name,
      notify: (line) => output.say(line),
      terminate,
    });
    log.info('session started');
    try {
      counts = await relay.done;
      await sealBeforeExit(seal(), userClosed);
    } finally {
      ended(); // after the seal: the drain waits for it before it closes the store
    }
    endUserChannel(io, overridden, exit);
  } catch (err) {
    endCause = 'error';
    log.warn({ err }, 'target channel failed');
    output.say(messages.targetUnavailable());
    endUserChannel(io, GATEHOUSE_EXIT, null);
  }
  await seal();
}

/** What the watcher and the drain need to know of a session to reach it. */
export interface LiveEntry {
  readonly sessionId: SessionId;
  readonly grant: Grant;
  readonly targetName: string;
  /** A line of gatehouse's own for the user (an expiry warning). */
  notify(line: string): void;
  terminate(cause: CloseCause, line: string): void;
}

/** Makes the session reachable by the watcher and the drain; returns what marks it ended. */
export function registerLive(ctx: SessionContext, entry: LiveEntry): () => void {
  const { grant } = entry;
  let markEnded: () => void = () => undefined;
  const ended = new Promise<void>((res) => {
    markEnded = res;
  });
  ctx.addLive({
    id: entry.sessionId,
    grant,
    userName: ctx.outcome.userName,
    targetName: entry.targetName,
    fingerprint: ctx.outcome.fingerprint,
    warned: new Set([5, 1].filter((m) => grant.endsAt - ctx.clock.now() <= m * 60_000)),
    notify: (line) => entry.notify(line),
    terminate: (cause, line) => entry.terminate(cause, line),
    ended,
  });
  return markEnded;
}

/** The restricted prompt's command marker (canonical argv). */
export const commandMarker = (argv: readonly string[]): string => `$ ${quoteArgv(argv)}`;
