/**
 * The TargetLink of a command target (issue 7): no ssh connection, each session runs the target's
 * program on the bastion host, as its run-as account, confined (./confinement.ts). A shell gets
 * the program in a pty (node-pty); an exec (only ever the canonical argv of an allowlisted
 * command, see commands-grant.ts) runs the program with that argv appended, without a pty. Argv
 * only, never a user's command line; the environment is passwd's (HOME, USER, PATH…), the
 * target's own, plus TERM for a pty: nothing the user sent (their env requests are ignored here).
 */
import { spawn as spawnChild, type ChildProcessByStdio } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { constants } from 'node:os';
import type { Readable, Writable } from 'node:stream';
import * as nodePty from 'node-pty';
import type { CommandTarget } from '../core/model.js';
import type { ProgramLimits } from '../core/program-limits.js';
import type { ForbiddenIds, HostAccount } from '../core/run-as.js';
import type { Logger } from '../logging/logger.js';
import type { Pty, TargetChannel } from '../stream/channels.js';
import { VirtualChannel } from '../stream/virtual-channel.js';
import { confinedArgv } from './confinement.js';
import { checkConfinement } from './confinement-probe.js';
import { usableRunAsAccount } from './host-account.js';
import type { TargetLink, TargetLinkResult } from './target-link.js';

/** Time a program has to end after SIGHUP before it gets SIGKILL. */
export const KILL_GRACE_MS = 500;
const WORKING_DIR = '/';
const DEFAULT_TERM = 'xterm-256color';
/** TERM comes from the client's pty request: only a plain terminal name reaches the program. */
const SAFE_TERM = /^[A-Za-z0-9._+-]{1,64}$/;

const SIGNAL_NAMES = new Map<number, string>(
  Object.entries(constants.signals).map(([name, n]) => [n, name.slice(3)]),
);

/** An ssh signal name (`INT`, `TERM`) → a Node signal name, or null for an unknown one. */
function nodeSignal(name: string): NodeJS.Signals | null {
  const full = `SIG${name}`;
  return Object.hasOwn(constants.signals, full) ? (full as NodeJS.Signals) : null;
}

/** Signals the process group led by `pid` (node-pty's child and a non-pty child both lead one). */
function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/**
 * The foreground process group of the pty whose session `pid` leads (field 8 of /proc/PID/stat),
 * or null. A shell in the namespace gives each job its own group: a forwarded signal goes where
 * Ctrl-C would, as at a terminal.
 */
function foregroundGroup(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const tpgid = Number(fields[5]);
    return Number.isInteger(tpgid) && tpgid > 0 ? tpgid : null;
  } catch {
    return null;
  }
}

/** SIGHUP now, SIGKILL after the grace unless it exited; `exited` is checked so a reused pid is never hit. */
function hangUp(pid: number, exited: () => boolean): void {
  if (exited()) return;
  killGroup(pid, 'SIGHUP');
  setTimeout(() => {
    if (!exited()) killGroup(pid, 'SIGKILL');
  }, KILL_GRACE_MS).unref();
}

/** The program in a pty: output → the user, input → the program, window changes → the pty size. */
class PtyChannel extends VirtualChannel {
  private exited = false;

  constructor(private readonly proc: nodePty.IPty) {
    super();
    proc.onData((data) => {
      if (!this.out(data)) proc.pause();
    });
    proc.onExit(({ exitCode, signal }) => {
      this.exited = true;
      if (signal !== undefined && signal !== 0)
        this.finish(null, SIGNAL_NAMES.get(signal) ?? 'KILL');
      else this.finish(exitCode);
    });
  }

  protected override resumeSource(): void {
    if (!this.exited) this.proc.resume();
  }

  protected input(data: Buffer): void {
    this.proc.write(data);
  }

  /** EOF from the user (stdin closed): what ^D does at a terminal. */
  protected inputEnded(): void {
    if (!this.exited) this.proc.write('\x04');
  }

  protected release(): void {
    hangUp(this.proc.pid, () => this.exited);
  }

  override onWindowChange(cols: number, rows: number): void {
    if (!this.exited && cols > 0 && rows > 0) this.proc.resize(cols, rows);
  }

  override onSignal(name: string): void {
    const signal = nodeSignal(name);
    if (signal !== null && !this.exited)
      killGroup(foregroundGroup(this.proc.pid) ?? this.proc.pid, signal);
  }
}

type PipedChild = ChildProcessByStdio<Writable, Readable, Readable>;

/** The program without a pty (an allowlisted command): stdout and stderr apart, stdin and EOF passed on. */
class PipeChannel extends VirtualChannel {
  private exited = false;

  constructor(private readonly child: PipedChild) {
    super();
    child.stdout.on('data', (d: Buffer) => {
      if (!this.out(d)) child.stdout.pause();
    });
    child.stderr.on('data', (d: Buffer) => {
      if (!this.err(d)) child.stderr.pause();
    });
    child.stdin.on('error', () => undefined); // EPIPE when the program does not read its input
    child.once('exit', () => {
      this.exited = true;
    });
    child.once('error', (err: Error) => {
      this.exited = true;
      this.err(`gatehouse: the program could not be started (${err.message})\n`);
      this.finish(127);
    });
    child.once('close', (code: number | null, signal: NodeJS.Signals | null) => {
      this.exited = true;
      if (code !== null) this.finish(code);
      else this.finish(null, (signal ?? 'SIGKILL').slice(3));
    });
  }

  protected override resumeSource(): void {
    this.child.stdout.resume();
    this.child.stderr.resume();
  }

  protected input(data: Buffer): void {
    if (!this.exited) this.child.stdin.write(data);
  }

  protected inputEnded(): void {
    this.child.stdin.end();
  }

  protected release(): void {
    if (this.child.pid !== undefined) hangUp(this.child.pid, () => this.exited);
  }

  override onSignal(name: string): void {
    const signal = nodeSignal(name);
    if (signal !== null && !this.exited && this.child.pid !== undefined)
      killGroup(this.child.pid, signal);
  }
}

/**
 * `'a' 'b'` (quoteArgv's output for a canonical argv) → `['a', 'b']`. Anything else is refused:
 * this link never runs a user's command line, only an argv the allowlist produced.
 */
export function unquoteCanonical(command: string): string[] | null {
  const words = command.split(' ');
  const argv: string[] = [];
  for (const word of words) {
    const m = /^'([^']+)'$/.exec(word);
    if (m?.[1] === undefined) return null;
    argv.push(m[1]);
  }
  return argv.length > 0 ? argv : null;
}

/**
 * The link, once the target's run-as account is usable and the confinement works here; else the
 * reason to refuse the session (fail closed: the program never runs unconfined).
 */
export async function openCommandTarget(
  target: CommandTarget,
  forbidden: ForbiddenIds,
  limits: ProgramLimits,
  logger: Logger,
): Promise<TargetLinkResult> {
  const account = await usableRunAsAccount(target.runAs, forbidden);
  if (!account.ok) return { ok: false, reason: 'runas.unusable', problem: account.message };
  const confined = await checkConfinement(account.account, limits);
  if (!confined.ok) return { ok: false, reason: 'confinement.failed', problem: confined.message };
  return { ok: true, link: commandTargetLink(target, account.account, limits, logger) };
}

function commandTargetLink(
  target: CommandTarget,
  account: HostAccount,
  limits: ProgramLimits,
  logger: Logger,
): TargetLink {
  const log = logger.child({ program: target.command[0], runAs: account.name });
  const running = new Set<VirtualChannel>();
  let markClosed: () => void = () => undefined;
  const closed = new Promise<void>((res) => {
    markClosed = res;
  });
  const track = (channel: VirtualChannel): TargetChannel => {
    running.add(channel);
    channel.once('close', () => running.delete(channel));
    return channel;
  };
  const [file, ...args] = target.command;
  if (file === undefined) throw new Error(`target ${target.name}: empty command`);

  return {
    shell: (pty: Pty | null): Promise<TargetChannel> => {
      const term = pty !== null && SAFE_TERM.test(pty.term) ? pty.term : DEFAULT_TERM;
      const cols = pty !== null && pty.cols > 0 ? pty.cols : 80;
      const rows = pty !== null && pty.rows > 0 ? pty.rows : 24;
      const [wrapper, ...wrapped] = confinedArgv(account, limits, { ...target.env, TERM: term }, [
        file,
        ...args,
      ]);
      const proc = nodePty.spawn(wrapper ?? '', wrapped, {
        name: term,
        cols,
        rows,
        cwd: WORKING_DIR,
        env: { TERM: term },
      });
      log.info({ pid: proc.pid }, 'command target program started');
      return Promise.resolve(track(new PtyChannel(proc)));
    },
    exec: (command: string): Promise<TargetChannel> => {
      const extra = unquoteCanonical(command);
      if (extra === null)
        return Promise.reject(new Error('command target: exec of a non-canonical command refused'));
      const [wrapper, ...wrapped] = confinedArgv(account, limits, target.env, [
        file,
        ...args,
        ...extra,
      ]);
      const child = spawnChild(wrapper ?? '', wrapped, {
        cwd: WORKING_DIR,
        env: {},
        stdio: ['pipe', 'pipe', 'pipe'],
        detached: true, // own process group, so a hang-up reaches what it starts
      });
      log.info({ pid: child.pid, argc: extra.length }, 'command target exec started');
      return Promise.resolve(track(new PipeChannel(child)));
    },
    // The session refuses file transfer on a command target before it asks; this is the backstop.
    subsystem: (): Promise<TargetChannel> =>
      Promise.reject(new Error('command target: no subsystem is offered')),
    closed,
    close: () => {
      for (const channel of running) channel.close();
      markClosed();
    },
  };
}
