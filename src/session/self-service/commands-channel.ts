/**
 * gatehouse's own commands as a session channel handler (issue 14): on a plain `user` login, an
 * exec (`ssh alice@bastion request db1 …`) runs here; no target is dialled, nothing is relayed or
 * recorded. Everything else (pty, env, a shell without a command) goes to the relaying handler,
 * and the policy and audit decorators wrap both (connection-chain.ts).
 */
import type { Clock } from '../../core/clock.js';
import { actorOf, type LoginOutcome } from '../../core/login.js';
import { isRefusal, refuse, type Refusal } from '../../core/refusal.js';
import { messages } from '../../core/user-messages.js';
import type { Logger } from '../../logging/logger.js';
import type { UserChannel } from '../../stream/channels.js';
import type { SessionChannelHandler } from '../handler.js';
import { recheckUser } from '../login-decision.js';
import type { AccessGate } from '../ports.js';
import type { CommandContext } from './command-context.js';
import { parseCommand } from './parse-command.js';
import type { RequestDesk, SelfServiceSettings } from './request-desk.js';
import { runCommand } from './run-command.js';

export interface SelfServiceDeps {
  readonly desk: RequestDesk;
  /** Read at each command, so a SIGHUP reload applies to the next one. */
  settings(): SelfServiceSettings;
  readonly gate: AccessGate;
  readonly clock: Clock;
  readonly hostLabel: string;
  /** Resets the connection's idle timer: a command is activity (a `--wait` is not). */
  touch(): void;
}

const CTRL_C = 0x03;
const CTRL_D = 0x04;

export function commandsOrRelay(
  relaying: SessionChannelHandler,
  deps: SelfServiceDeps,
  outcome: LoginOutcome,
  logger: Logger,
): SessionChannelHandler {
  let hasPty = false;
  return {
    pty: (pty) => {
      const verdict = relaying.pty(pty);
      hasPty ||= !isRefusal(verdict);
      return verdict;
    },
    env: (name, value) => relaying.env(name, value),
    request: (kind, name) => relaying.request(kind, name),
    windowChange: (cols, rows, width, height) => relaying.windowChange(cols, rows, width, height),
    signal: (name) => relaying.signal(name),
    closed: () => relaying.closed(),
    // A plain login names no target to transfer files with (channel.denied, subsystem sftp).
    subsystem: () =>
      Promise.resolve(
        refuse.channel('subsystem', {
          details: { name: 'sftp' },
          line: messages.transferNeedsTarget(outcome.userName, deps.hostLabel),
        }),
      ),
    start: (io, command) =>
      command === null
        ? relaying.start(io, command)
        : serveCommand(io, command, hasPty, deps, outcome, logger),
  };
}

async function serveCommand(
  io: UserChannel,
  line: string,
  hasPty: boolean,
  deps: SelfServiceDeps,
  outcome: LoginOutcome,
  logger: Logger,
): Promise<Refusal | null> {
  const eol = hasPty ? '\r\n' : '\n';
  const stop = new AbortController();
  io.once('close', () => stop.abort());
  // Without a terminal Ctrl-C ends the client; in one it arrives as a byte.
  io.on('data', (data: Buffer) => {
    if (hasPty && (data.includes(CTRL_C) || data.includes(CTRL_D))) stop.abort();
  });
  const to = { userName: outcome.userName, hostLabel: deps.hostLabel };
  deps.touch();
  try {
    const denied = await recheckUser(deps.gate, to.userName, outcome.fingerprint, deps.clock.now());
    if (denied !== null) return refuse.quietly(messages.accessDenied(), 1);
    const parsed = parseCommand(line);
    if (!parsed.ok)
      return refuse.quietly(
        `gatehouse: ${parsed.message}; see  ssh ${to.userName}@${to.hostLabel} help`,
        2,
      );
    const ctx: CommandContext = {
      desk: deps.desk,
      settings: deps.settings(),
      clock: deps.clock,
      to,
      actor: actorOf(to.userName),
      stop: stop.signal,
      note: (text) => io.stderr.write(`${text}${eol}`),
    };
    const result = await runCommand(ctx, parsed.command);
    if (isRefusal(result)) return result;
    for (const out of result.lines) io.write(`${out.replace(/\n/g, eol)}${eol}`);
    io.exit(result.exitStatus);
    io.end();
    return null;
  } catch (err) {
    logger.error({ err }, 'self-service command failed');
    return refuse.quietly(
      'gatehouse: the command could not be completed right now; try again later',
      1,
    );
  }
}
