/** The real `sftp` and `scp` clients through the bastion (issue 16), without a terminal. */
import { spawn } from 'node:child_process';
import type { Writable } from 'node:stream';
import { sshArgs, type SshLogin } from './ssh-client.js';

export interface ClientResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** sftp and scp take ssh's options (sshArgs without the destination), with -P for the port. */
const clientOptions = (to: SshLogin): string[] => {
  const options = sshArgs(to, { extra: ['-o', 'LogLevel=ERROR'] }).slice(0, -1);
  options[options.indexOf('-p')] = '-P';
  return options;
};

function run(
  cmd: string,
  args: readonly string[],
  stdin: string | null,
  keepStdin: (stdin: Writable) => void = () => undefined,
): Promise<ClientResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.stdin.on('error', () => undefined);
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      const text = (chunks: Buffer[]) => Buffer.concat(chunks).toString('utf8');
      resolve({ code, stdout: text(out), stderr: text(err) });
    });
    if (stdin === null) keepStdin(child.stdin);
    else child.stdin.end(stdin);
  });
}

/** `sftp -b -` left open: commands are written to `stdin` until it is ended. */
export function openSftp(
  to: SshLogin,
  flags: readonly string[] = [],
): {
  readonly stdin: Writable;
  readonly done: Promise<ClientResult>;
} {
  let stdin: Writable | null = null;
  const done = run(
    'sftp',
    [...flags, ...clientOptions(to), '-b', '-', `${to.login}@127.0.0.1`],
    null,
    (w) => {
      stdin = w;
    },
  );
  return { stdin: stdin!, done };
}

/**
 * `sftp -b -` with these commands, one a line: it stops at the first that fails (exit 1), unless
 * the command starts with `-`.
 */
export const runSftp = (to: SshLogin, commands: readonly string[]): Promise<ClientResult> =>
  run(
    'sftp',
    [...clientOptions(to), '-b', '-', `${to.login}@127.0.0.1`],
    `${commands.join('\n')}\n`,
  );

/** `scp [flags] from to`; a remote side is written `:PATH` (the login and host are added). */
export function runScp(
  to: SshLogin,
  from: string,
  dest: string,
  flags: readonly string[] = [],
): Promise<ClientResult> {
  const remote = (p: string) => (p.startsWith(':') ? `${to.login}@127.0.0.1${p}` : p);
  return run('scp', [...flags, ...clientOptions(to), remote(from), remote(dest)], '');
}
