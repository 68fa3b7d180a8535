/**
 * What the demo's command targets run: `sandbox` an interactive bash, `tools` /usr/bin/env (the
 * allowlisted command is appended to it). Both as an unprivileged user when gatehouse runs as
 * root and the system has one (setpriv, nobody/nogroup), else as the user running the demo —
 * with a note saying so.
 */
import { constants } from 'node:fs';
import { access, readFile } from 'node:fs/promises';

export interface SandboxProgram {
  /** The sandbox shell's argv. */
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** The tools target's argv (`/usr/bin/env`, behind the same setpriv when there is one). */
  readonly toolsArgv: readonly string[];
  readonly toolsEnv: Readonly<Record<string, string>>;
  /** Who the shell runs as, for the printed instructions. */
  readonly runsAs: string;
  /** A line to print when the shell is not confined to an unprivileged user (null: it is). */
  readonly note: string | null;
}

async function firstExecutable(paths: readonly string[]): Promise<string | null> {
  for (const p of paths) {
    try {
      await access(p, constants.X_OK);
      return p;
    } catch {
      // try the next one
    }
  }
  return null;
}

async function namesIn(file: string): Promise<Set<string>> {
  try {
    const text = await readFile(file, 'utf8');
    return new Set(
      text
        .split('\n')
        .map((l) => l.split(':')[0] ?? '')
        .filter((n) => n !== ''),
    );
  } catch {
    return new Set();
  }
}

const PATH = '/usr/local/bin:/usr/bin:/bin';

export async function chooseSandboxProgram(
  uid: number | null,
  currentUser: string,
): Promise<SandboxProgram> {
  const bash = await firstExecutable(['/bin/bash', '/usr/bin/bash']);
  const shell = bash === null ? ['/bin/sh', '-i'] : [bash, '--norc', '--noprofile', '-i'];
  const env = { PATH, HOME: '/tmp', PS1: 'sandbox$ ', LANG: 'C.UTF-8' };
  const toolsEnv = { PATH, LANG: 'C.UTF-8' };
  const envProgram = (await firstExecutable(['/usr/bin/env', '/bin/env'])) ?? '/usr/bin/env';
  if (uid === 0) {
    const setpriv = await firstExecutable(['/usr/bin/setpriv', '/bin/setpriv']);
    const users = await namesIn('/etc/passwd');
    const groups = await namesIn('/etc/group');
    const group = groups.has('nogroup') ? 'nogroup' : groups.has('nobody') ? 'nobody' : null;
    if (setpriv !== null && users.has('nobody') && group !== null) {
      const confine = [
        setpriv,
        '--reuid=nobody',
        `--regid=${group}`,
        '--clear-groups',
        '--inh-caps=-all',
        '--no-new-privs',
      ];
      return {
        argv: [...confine, ...shell],
        env: { ...env, USER: 'nobody' },
        toolsArgv: [...confine, envProgram],
        toolsEnv,
        runsAs: 'nobody',
        note: null,
      };
    }
  }
  return {
    argv: shell,
    env: { ...env, USER: currentUser },
    toolsArgv: [envProgram],
    toolsEnv,
    runsAs: currentUser,
    note:
      uid === 0
        ? 'note: the sandbox shell runs as root (setpriv or the nobody user was not found): a real root shell on this machine'
        : `note: the sandbox shell runs as ${currentUser} (the user running the demo), with that user's rights on this machine`,
  };
}
