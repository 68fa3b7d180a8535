/**
 * What the demo's command targets run: `sandbox` an interactive bash, `tools` /usr/bin/env (the
 * allowlisted command is appended to it). Like every command target they run as a run-as account
 * (issue 13), here `nobody`: it exists on every Debian-like system and owns nothing, so a demo
 * user cannot read the demo's database, keys or recordings. Switching to it needs root (or
 * CAP_SETUID/CAP_SETGID); a demo started by another user says so, and its sessions are refused.
 */
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';

const DEMO_RUN_AS = 'nobody';

export interface SandboxProgram {
  /** The sandbox shell's argv. */
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** The tools target's argv (`/usr/bin/env`). */
  readonly toolsArgv: readonly string[];
  readonly toolsEnv: Readonly<Record<string, string>>;
  /** Who both programs run as. */
  readonly runsAs: string;
  /** A line to print when the demo cannot switch to that account (null: it can). */
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

const PATH = '/usr/local/bin:/usr/bin:/bin';

export async function chooseSandboxProgram(
  uid: number | null,
  currentUser: string,
): Promise<SandboxProgram> {
  const bash = await firstExecutable(['/bin/bash', '/usr/bin/bash']);
  const shell = bash === null ? ['/bin/sh', '-i'] : [bash, '--norc', '--noprofile', '-i'];
  const envProgram = (await firstExecutable(['/usr/bin/env', '/bin/env'])) ?? '/usr/bin/env';
  return {
    argv: shell,
    env: { PATH, PS1: 'sandbox$ ', LANG: 'C.UTF-8' },
    toolsArgv: [envProgram],
    toolsEnv: { PATH, LANG: 'C.UTF-8' },
    runsAs: DEMO_RUN_AS,
    note:
      uid === 0
        ? null
        : `note: the demo runs as ${currentUser}, which cannot switch to ${DEMO_RUN_AS}: command target sessions will be refused (run the demo as root, or see "Command targets" in the README)`,
  };
}
