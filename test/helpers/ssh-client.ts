import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import * as pty from 'node-pty';

/** How to reach the bastion with the real OpenSSH client. */
export interface SshLogin {
  readonly port: number;
  readonly keyPath: string;
  /** `alice+db1` or `alice`. */
  readonly login: string;
}

export interface SshArgsOptions {
  /** BatchMode=yes: no prompts (keyboard-interactive and passwords are off). Default true. */
  readonly batch?: boolean;
  /** Extra ssh options before the destination, e.g. ['-t'], ['-L', '…']. */
  readonly extra?: readonly string[];
  /** The remote command words, joined by ssh with spaces. */
  readonly command?: readonly string[];
  /** An ssh-agent socket to use (default: no agent at all). */
  readonly agent?: string;
}

export function sshArgs(to: SshLogin, options: SshArgsOptions = {}): string[] {
  return [
    '-F',
    '/dev/null',
    '-p',
    String(to.port),
    '-i',
    to.keyPath,
    '-o',
    'StrictHostKeyChecking=no',
    '-o',
    'UserKnownHostsFile=/dev/null',
    '-o',
    'GlobalKnownHostsFile=/dev/null',
    '-o',
    'IdentitiesOnly=yes',
    '-o',
    `IdentityAgent=${options.agent ?? 'none'}`,
    '-o',
    `BatchMode=${options.batch === false ? 'no' : 'yes'}`,
    '-o',
    'ConnectTimeout=10',
    ...(options.extra ?? []),
    `${to.login}@127.0.0.1`,
    ...(options.command ?? []),
  ];
}

export interface SshResult {
  /** ssh's exit code (255: ssh's own errors, including "Permission denied"). */
  readonly code: number | null;
  readonly stdout: Buffer;
  readonly stderr: string;
}

/** Runs `ssh … [command]` without a terminal and collects everything. */
export function runSsh(
  to: SshLogin,
  options: SshArgsOptions & {
    readonly stdin?: Readable | string | Buffer;
    readonly timeoutMs?: number;
    readonly env?: NodeJS.ProcessEnv;
  } = {},
): Promise<SshResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('ssh', sshArgs(to, options), {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, ...options.env },
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.stdin.on('error', () => undefined);
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') });
    });
    const input = options.stdin;
    if (input === undefined) child.stdin.end();
    else if (typeof input === 'string' || Buffer.isBuffer(input)) child.stdin.end(input);
    else input.pipe(child.stdin);
  });
}

/** The real `ssh` in a pseudo-terminal, as a person would run it. */
export interface PtySsh {
  write(text: string): void;
  /** Resolves with the output so far once `pattern` matches it (after `from`); rejects on timeout. */
  waitFor(pattern: RegExp, timeoutMs?: number, from?: number): Promise<string>;
  resize(cols: number, rows: number): void;
  /** Everything the terminal showed so far. */
  output(): string;
  readonly exited: Promise<number>;
  kill(): void;
}

export function ptySsh(
  to: SshLogin,
  options: SshArgsOptions & { readonly cols?: number; readonly rows?: number } = {},
): PtySsh {
  const proc = pty.spawn('ssh', sshArgs(to, { batch: false, ...options }), {
    name: 'xterm',
    cols: options.cols ?? 100,
    rows: options.rows ?? 30,
    env: {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      HOME: process.env['HOME'] ?? '/tmp',
      TERM: 'xterm',
      LANG: 'C.UTF-8',
    },
  });
  let text = '';
  const waiters = new Set<() => void>();
  proc.onData((d) => {
    text += d;
    for (const w of waiters) w();
  });
  const exited = new Promise<number>((resolve) => {
    proc.onExit(({ exitCode }) => {
      resolve(exitCode);
      for (const w of waiters) w();
    });
  });
  return {
    write: (s) => proc.write(s),
    resize: (cols, rows) => proc.resize(cols, rows),
    output: () => text,
    exited,
    kill: () => {
      try {
        proc.kill('SIGKILL');
      } catch {
        // already gone
      }
    },
    waitFor: (pattern, timeoutMs = 30_000, from = 0) =>
      new Promise((resolve, reject) => {
        const check = (): boolean => {
          if (!pattern.test(text.slice(from))) return false;
          cleanup();
          resolve(text);
          return true;
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out waiting for ${String(pattern)}; terminal so far:\n${text}`));
        }, timeoutMs);
        const cleanup = (): void => {
          clearTimeout(timer);
          waiters.delete(onData);
        };
        const onData = (): void => {
          check();
        };
        if (!check()) waiters.add(onData);
      }),
  };
}
