import { spawn, type ChildProcess } from 'node:child_process';
import { appendFile, chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort, mustRun, waitForPort } from './proc.js';

/** A plain OpenSSH sshd on 127.0.0.1 (no ForceCommand): the target, or the jump host. */
export interface Sshd {
  readonly name: string;
  readonly port: number;
  readonly login: string;
  /** `ssh-ed25519 AAAA…` */
  readonly hostKeyLine: string;
  readonly pid: number;
  authorize(publicKeyLine: string): Promise<void>;
  stop(): Promise<void>;
}

export interface KeyFiles {
  readonly privatePath: string;
  readonly publicLine: string;
}

export async function makeKey(dir: string, name: string): Promise<KeyFiles> {
  const privatePath = join(dir, `${name}_ed25519`);
  await mustRun('ssh-keygen', [
    '-q',
    '-t',
    'ed25519',
    '-N',
    '',
    '-C',
    `${name}@bench`,
    '-f',
    privatePath,
  ]);
  return { privatePath, publicLine: (await readFile(`${privatePath}.pub`, 'utf8')).trim() };
}

/**
 * Runs the client's command with /bin/sh and an interactive shell as `bash --norc --noprofile`:
 * the same target work for all three paths without the account's dotfiles (see bench-account.ts).
 */
export async function cleanShellWrapper(dir: string): Promise<string> {
  const path = join(dir, 'clean-shell.sh');
  await writeFile(
    path,
    '#!/bin/sh\nif [ "${SSH_ORIGINAL_COMMAND+set}" = set ]; then exec /bin/sh -c "$SSH_ORIGINAL_COMMAND"; fi\nexec /bin/bash --noprofile --norc -i\n',
  );
  await chmod(path, 0o755);
  return path;
}

/**
 * `extra` are sshd_config lines, e.g. `Ciphers aes128-gcm@openssh.com`. MaxStartups is raised so
 * hundreds of concurrent logins are not dropped by sshd's default 10:30:100.
 */
export async function startSshd(
  baseDir: string,
  name: string,
  login: string,
  extra: readonly string[] = [],
): Promise<Sshd> {
  await mkdir('/run/sshd', { recursive: true });
  const dir = join(baseDir, name);
  await mkdir(dir, { recursive: true });
  const hostKey = await makeKey(dir, 'host');
  const authorizedKeys = join(dir, 'authorized_keys');
  await writeFile(authorizedKeys, '', { mode: 0o644 }); // read as the login user
  const logPath = join(dir, 'sshd.log');
  const port = await freePort();
  const configPath = join(dir, 'sshd_config');
  await writeFile(
    configPath,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey.privatePath}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${authorizedKeys}`,
      'StrictModes no',
      'UsePAM no',
      'UseDNS no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PubkeyAuthentication yes',
      'PermitRootLogin prohibit-password',
      'AllowTcpForwarding yes',
      'MaxStartups 2000',
      'MaxSessions 100',
      'PrintMotd no',
      'PrintLastLog no',
      'LogLevel ERROR',
      // A program, not internal-sftp: the clean-shell ForceCommand runs it from SSH_ORIGINAL_COMMAND.
      'Subsystem sftp /usr/lib/openssh/sftp-server',
      ...extra,
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', configPath], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr?.on('data', (chunk: Buffer) => void appendFile(logPath, chunk));
  await waitForPort(port, () => child.exitCode === null);
  return {
    name,
    port,
    login,
    hostKeyLine: hostKey.publicLine.split(' ').slice(0, 2).join(' '),
    pid: child.pid ?? 0,
    authorize: (line) => appendFile(authorizedKeys, `${line.trim()}\n`),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
