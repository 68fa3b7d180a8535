import { spawn } from 'node:child_process';
import { open } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { mainThreadCpuTicks, procStats, run, TICKS_PER_SECOND, untilIdle } from './proc.js';
import type { PathName, SshPaths } from './ssh-paths.js';

export interface TimedRun {
  readonly ms: number;
  /** CPU seconds the gatehouse process used during the run (gatehouse path only). */
  readonly gatehouseCpuS: number | null;
  /** Of those, its main thread's (the relay's event loop; workers and thread pool left out). */
  readonly gatehouseMainCpuS: number | null;
}

interface CpuSample {
  readonly processS: number;
  readonly mainThreadS: number;
}

async function cpuSample(pid: number | null): Promise<CpuSample | null> {
  if (pid === null) return null;
  const [stats, main] = await Promise.all([procStats(pid), mainThreadCpuTicks(pid)]);
  return { processS: stats.cpuTicks / TICKS_PER_SECOND, mainThreadS: main / TICKS_PER_SECOND };
}

/** Runs `work` between two CPU samples of gatehouse (none when `pid` is null). */
export async function withGatehouseCpu(
  pid: number | null,
  work: () => Promise<{ readonly ms: number }>,
): Promise<TimedRun> {
  const before = await cpuSample(pid);
  const { ms } = await work();
  const after = await cpuSample(pid);
  const spent = (f: (s: CpuSample) => number): number | null =>
    before === null || after === null ? null : f(after) - f(before);
  return {
    ms,
    gatehouseCpuS: spent((s) => s.processS),
    gatehouseMainCpuS: spent((s) => s.mainThreadS),
  };
}

function sshRun(
  paths: SshPaths,
  path: PathName,
  command: string,
  stdin: number | 'ignore',
): Promise<{ code: number | null; stderr: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn('ssh', [...paths.args(path), command], {
      stdio: [stdin, 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stderr, ms: performance.now() - t0 }));
  });
}

async function timed(
  paths: SshPaths,
  path: PathName,
  command: string,
  stdinFile: string | null,
  gatehousePid: number | null,
): Promise<TimedRun> {
  const pid = path === 'gatehouse' ? gatehousePid : null;
  const handle = stdinFile === null ? null : await open(stdinFile, 'r');
  try {
    const result = await withGatehouseCpu(pid, async () => {
      const r = await sshRun(paths, path, command, handle === null ? 'ignore' : handle.fd);
      if (r.code !== 0)
        throw new Error(
          `${path}: ssh ${command} exited ${String(r.code)}: ${r.stderr.trim().slice(-500)}`,
        );
      return r;
    });
    // The session's after-work (search indexing) is gatehouse's, but not this round's.
    if (pid !== null) await untilIdle(pid);
    return result;
  } finally {
    await handle?.close();
  }
}

/** `ssh … 'head -c BYTES FILE'` to /dev/null. */
export const download = (
  paths: SshPaths,
  path: PathName,
  file: string,
  bytes: number,
  ghPid: number | null,
): Promise<TimedRun> => timed(paths, path, `head -c ${bytes} ${file}`, null, ghPid);

/** `cat FILE | ssh … 'cat > /dev/null'` (the file is ssh's stdin). */
export const upload = (
  paths: SshPaths,
  path: PathName,
  file: string,
  ghPid: number | null,
): Promise<TimedRun> => timed(paths, path, 'cat > /dev/null', file, ghPid);

/** `ssh … true`: handshake, auth, (target connection,) exec, exit. */
export const connectOnce = (paths: SshPaths, path: PathName): Promise<TimedRun> =>
  timed(paths, path, 'true', null, null);

/** Proves a path delivers the bytes it is asked for (a refusal must not look like a fast copy). */
export async function checkPath(paths: SshPaths, path: PathName, file: string): Promise<void> {
  const r = await run('ssh', [...paths.args(path), `head -c 4096 ${file}`]);
  if (r.code !== 0 || r.stdout.length !== 4096) {
    throw new Error(
      `${path}: expected 4096 bytes, got ${r.stdout.length} (exit ${String(r.code)}): ${r.stderr.trim()}`,
    );
  }
}

export interface LoginRate {
  readonly logins: number;
  readonly failures: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly latenciesMs: readonly number[];
  readonly firstError: string | null;
}

/** `parallel` clients each running `ssh … true` back to back for `seconds`. */
export async function loginRate(
  paths: SshPaths,
  path: PathName,
  parallel: number,
  seconds: number,
): Promise<LoginRate> {
  const latencies: number[] = [];
  let failures = 0;
  let firstError: string | null = null;
  const t0 = performance.now();
  const deadline = t0 + seconds * 1000;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const r = await sshRun(paths, path, 'true', 'ignore');
      if (r.code === 0) latencies.push(r.ms);
      else {
        failures += 1;
        firstError ??= `exit ${String(r.code)}: ${r.stderr.trim().split('\n').slice(-2).join(' | ').slice(-300)}`;
      }
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  const elapsed = (performance.now() - t0) / 1000;
  return {
    logins: latencies.length,
    failures,
    seconds: elapsed,
    perSecond: latencies.length / elapsed,
    latenciesMs: latencies,
    firstError,
  };
}
