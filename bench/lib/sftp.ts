/**
 * SFTP get and put of the data file with the real `sftp` client in batch mode (`sftp -b`), over
 * the same ssh_config Host aliases as the ssh rows (the jump path through its ProxyJump).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { median, run } from './proc.js';
import type { Goal, Row } from './report.js';
import { alternate, perPath, type PathName, type SshPaths } from './ssh-paths.js';
import { withGatehouseCpu, type TimedRun } from './transfer.js';

type SftpDirection = 'get' | 'put';

/** The batch files, written once: the bytes go to /dev/null on the receiving side, as in the ssh rows. */
export interface SftpBatches {
  readonly get: string;
  readonly put: string;
  readonly probe: string;
}

export async function writeSftpBatches(dir: string, file: string): Promise<SftpBatches> {
  const batch = async (name: string, line: string): Promise<string> => {
    const path = join(dir, `sftp-${name}.batch`);
    await writeFile(path, `${line}\n`);
    return path;
  };
  return {
    get: await batch('get', `get ${file} /dev/null`),
    put: await batch('put', `put ${file} /dev/null`),
    probe: await batch('probe', `ls -l ${file}`),
  };
}

/**
 * null when `path` serves SFTP; else why not (the client's last lines), e.g. gatehouse refusing
 * the subsystem or a grant without transfer rights.
 */
async function sftpRefusal(
  paths: SshPaths,
  path: PathName,
  batches: SftpBatches,
): Promise<string | null> {
  const r = await run('sftp', paths.args(path, ['-b', batches.probe]));
  if (r.code === 0) return null;
  const said = r.stderr.trim().split('\n').slice(-2).join(' | ').slice(-300);
  return `exit ${String(r.code)}${said === '' ? '' : `: ${said}`}`;
}

/** One `sftp -b` run of get or put (connect included); gatehouse's CPU on its path. */
async function sftpTransfer(
  paths: SshPaths,
  path: PathName,
  batches: SftpBatches,
  direction: SftpDirection,
  ghPid: number | null,
): Promise<TimedRun> {
  return withGatehouseCpu(path === 'gatehouse' ? ghPid : null, async () => {
    const r = await run('sftp', paths.args(path, ['-q', '-b', batches[direction]]));
    if (r.code !== 0)
      throw new Error(
        `${path}: sftp ${direction} exited ${String(r.code)}: ${r.stderr.trim().slice(-500)}`,
      );
    return r;
  });
}

export interface SftpRuns {
  /** Why gatehouse served no SFTP (its rows are then n/a), or null. */
  readonly refused: string | null;
  readonly get: Record<PathName, TimedRun[]>;
  readonly put: Record<PathName, TimedRun[]>;
}

/** `rounds` alternating rounds of get, then of put; gatehouse is skipped when it refuses SFTP. */
export async function measureSftp(
  paths: SshPaths,
  batches: SftpBatches,
  rounds: number,
  ghPid: number,
): Promise<SftpRuns> {
  for (const p of ['direct', 'jump'] as const) {
    const why = await sftpRefusal(paths, p, batches);
    if (why !== null) throw new Error(`${p}: sftp does not work: ${why}`);
  }
  const refused = await sftpRefusal(paths, 'gatehouse', batches);
  const runs = async (direction: SftpDirection): Promise<Record<PathName, TimedRun[]>> => {
    const out = await alternate(rounds, (p) =>
      p === 'gatehouse' && refused !== null
        ? Promise.resolve(null)
        : sftpTransfer(paths, p, batches, direction, ghPid),
    );
    return perPath((p) => out[p].filter((r): r is TimedRun => r !== null));
  };
  return { refused, get: await runs('get'), put: await runs('put') };
}

const REFUSED_NOTE = 'n/a: sftp refused';

/** MiB/s of the median run, connect included (a whole `sftp` invocation, as a user waits for it). */
export function sftpRows(sftp: SftpRuns, bytes: number): Row[] {
  const rate = (r: readonly TimedRun[]): number =>
    r.length === 0 ? Number.NaN : bytes / (1024 * 1024) / (median(r.map((x) => x.ms)) / 1000);
  return (['get', 'put'] as const).map((d) => ({
    metric: `sftp ${d} incl. connect`,
    unit: 'MiB/s',
    values: perPath((p) => rate(sftp[d][p])),
    higherIsBetter: true,
    ...(sftp.refused === null ? {} : { notes: { gatehouse: REFUSED_NOTE } }),
  }));
}

/** Issue 16: SFTP get and put at least 0.8 x `sftp` through the OpenSSH jump host. */
export function sftpGoals(rows: readonly Row[], refused: string | null): Goal[] {
  return rows.map((r) => {
    const ratio = r.values.gatehouse / r.values.jump;
    return {
      goal: `${r.metric.replace(' incl. connect', '')} >= 0.8 x jump`,
      measured: refused === null ? `${ratio.toFixed(2)} x` : `${REFUSED_NOTE} (${refused})`,
      met: refused === null && ratio >= 0.8,
    };
  });
}
