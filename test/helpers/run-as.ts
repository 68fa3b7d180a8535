/**
 * The unprivileged account command targets run as in tests (created by scripts/setup-debian.sh),
 * folders its programs can read, and a look at the processes a confined program left behind.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { chmod } from 'node:fs/promises';
import { configSchema } from '../../src/config/schema.js';
import type { ProgramLimits } from '../../src/core/program-limits.js';
import { tempDir } from './tmp.js';

export const RUN_AS = 'gatehouse-runas';
/** `commandTargets.limits` of a config that does not set them. */
export const DEFAULT_PROGRAM_LIMITS: ProgramLimits = configSchema.parse({}).commandTargets.limits;
/** Its supplementary group. */
export const RUN_AS_GROUP = 'gatehouse-runas-extra';

export interface RunAsAccount {
  readonly uid: number;
  readonly gid: number;
  readonly groupGid: number;
  readonly home: string;
}

const getent = (db: string, name: string): string[] | null => {
  try {
    return execFileSync('getent', [db, name], { encoding: 'utf8' }).trim().split(':');
  } catch {
    return null;
  }
};

/** The test account, or an error that says how to create it (never a silent skip). */
export function runAsAccount(): RunAsAccount {
  const passwd = getent('passwd', RUN_AS);
  const group = getent('group', RUN_AS_GROUP);
  if (passwd === null || group === null || !(group[3] ?? '').split(',').includes(RUN_AS)) {
    throw new Error(
      `test account ${RUN_AS} (with supplementary group ${RUN_AS_GROUP}) is missing: run scripts/setup-debian.sh as root`,
    );
  }
  return {
    uid: Number(passwd[2]),
    gid: Number(passwd[3]),
    groupGid: Number(group[2]),
    home: passwd[5] ?? '',
  };
}

/** A temp folder the run-as account can read and search (mkdtemp makes 0700 ones). */
export async function sharedDir(prefix: string): Promise<string> {
  const dir = await tempDir(prefix);
  await chmod(dir, 0o755);
  return dir;
}

/** Pids (as gatehouse sees them) of processes whose command line contains `marker`. */
export function processesWith(marker: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (cmdline.includes(marker)) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids.filter((pid) => pid !== process.pid);
}

/** Waits until no process carries `marker` (or `ms` passed); returns how long that took. */
export async function goneWithin(marker: string, ms: number): Promise<number> {
  const started = Date.now();
  while (processesWith(marker).length > 0 && Date.now() - started < ms)
    await new Promise((r) => setTimeout(r, 50));
  if (processesWith(marker).length > 0) return Infinity;
  return Date.now() - started;
}

/** Waits until `count` processes carry `marker` (a program just started may still be exec'ing). */
export async function awaitProcesses(marker: string, count: number, ms = 5_000): Promise<number[]> {
  const started = Date.now();
  let pids = processesWith(marker);
  while (pids.length < count && Date.now() - started < ms) {
    await new Promise((r) => setTimeout(r, 50));
    pids = processesWith(marker);
  }
  return pids;
}
