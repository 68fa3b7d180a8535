import { spawn, type ChildProcess } from 'node:child_process';
import { appendFile, chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { makeUserKey } from './keys.js';
import { tempDir } from './tmp.js';

/** A real OpenSSH sshd on 127.0.0.1 with its own host key and authorized_keys. */
export interface SshdTarget {
  readonly host: string;
  readonly port: number;
  readonly dir: string;
  readonly login: string;
  /** `ssh-ed25519 AAAA…` */
  readonly hostKeyLine: string;
  /** Every command the target is asked to run, one per line (`<shell>` for a login shell). */
  readonly commandLogPath: string;
  authorize(publicKeyLine: string): Promise<void>;
  /** Commands logged so far. */
  commands(): Promise<string[]>;
  stop(): Promise<void>;
}

const SSHD = '/usr/sbin/sshd';

/** What the target's sshd logged (LogLevel VERBOSE). */
export const sshdLog = (sshd: SshdTarget): Promise<string> =>
  readFile(join(sshd.dir, 'sshd.log'), 'utf8').catch(() => '');

/** The client port of each TCP connection the sshd accepted, in order ("Connection from … port N"). */
export async function sshdConnectionPorts(sshd: SshdTarget): Promise<string[]> {
  return [...(await sshdLog(sshd)).matchAll(/^Connection from 127\.0\.0\.1 port (\d+)/gm)].map(
    (m) => m[1]!,
  );
}

/** Whether the sshd logged that the connection from client port `port` logged in, or ended. */
export async function sshdConnection(
  sshd: SshdTarget,
  port: string,
): Promise<{ readonly accepted: boolean; readonly closed: boolean }> {
  const log = await sshdLog(sshd);
  return {
    accepted: new RegExp(`Accepted publickey for \\S+ from 127\\.0\\.0\\.1 port ${port}\\b`).test(
      log,
    ),
    closed: new RegExp(
      `(Disconnected from user \\S+|Connection closed by) 127\\.0\\.0\\.1 port ${port}\\b`,
    ).test(log),
  };
}

/** A port on 127.0.0.1 that was free a moment ago (bound, then released). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, logPath: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`sshd exited: ${await readFile(logPath, 'utf8').catch(() => '')}`);
    }
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`sshd did not listen on ${port}`);
}

/**
 * The target account's commands go through a wrapper (ForceCommand) that logs each one before
 * running it, so tests can prove what did, and did not, run on the target.
 */
function wrapperScript(logPath: string): string {
  return `#!/bin/sh
if [ "\${SSH_ORIGINAL_COMMAND+set}" = set ]; then
  printf '%s\\n' "$SSH_ORIGINAL_COMMAND" >> '${logPath}'
  exec /bin/sh -c "$SSH_ORIGINAL_COMMAND"
fi
printf '%s\\n' '<shell>' >> '${logPath}'
exec /bin/bash -l
`;
}

export async function startSshd(): Promise<SshdTarget> {
  await mkdir('/run/sshd', { recursive: true });
  const dir = await tempDir('gatehouse-sshd-');
  const hostKey = await makeUserKey(dir, 'host');
  const authorizedKeys = join(dir, 'authorized_keys');
  const commandLogPath = join(dir, 'commands.log');
  const wrapper = join(dir, 'command-wrapper.sh');
  const logPath = join(dir, 'sshd.log');
  await writeFile(authorizedKeys, '', { mode: 0o600 });
  await writeFile(commandLogPath, '');
  await writeFile(wrapper, wrapperScript(commandLogPath));
  await chmod(wrapper, 0o755);

  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
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
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'PubkeyAuthentication yes',
        'PermitRootLogin prohibit-password',
        'AcceptEnv LANG LC_*',
        `ForceCommand ${wrapper}`,
        // Under ForceCommand the wrapper runs it (logged as this command).
        'Subsystem sftp /usr/lib/openssh/sftp-server',
        'PrintMotd no',
        'PrintLastLog no',
        'LogLevel VERBOSE',
        '',
      ].join('\n'),
    );
    const child = spawn(SSHD, ['-D', '-e', '-f', configPath], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      void appendFile(logPath, chunk);
    });
    try {
      await waitForPort(port, child, logPath);
    } catch (e) {
      lastError = e;
      child.kill('SIGKILL');
      continue;
    }
    return {
      host: '127.0.0.1',
      port,
      dir,
      login: userInfo().username,
      hostKeyLine: hostKey.publicLine.split(' ').slice(0, 2).join(' '),
      commandLogPath,
      authorize: (line) => appendFile(authorizedKeys, `${line.trim()}\n`),
      commands: async () =>
        (await readFile(commandLogPath, 'utf8')).split('\n').filter((l) => l.length > 0),
      stop: () =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }),
    };
  }
  throw lastError instanceof Error ? lastError : new Error('sshd did not start');
}
