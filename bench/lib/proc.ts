import { spawn, type SpawnOptions } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { performance } from 'node:perf_hooks';

export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Runs argv (never through a shell); stdout/stderr captured unless stdio says otherwise. */
export function run(
  cmd: string,
  args: readonly string[],
  options: SpawnOptions = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr, ms: performance.now() - t0 }));
  });
}

/** Like run(), but a non-zero exit is an error carrying stderr. */
export async function mustRun(
  cmd: string,
  args: readonly string[],
  options: SpawnOptions = {},
): Promise<RunResult> {
  const r = await run(cmd, args, options);
  if (r.code !== 0)
    throw new Error(
      `${cmd} ${args.join(' ')} exited ${String(r.code)}: ${r.stderr.trim().slice(-2000)}`,
    );
  return r;
}

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

export async function waitForPort(
  port: number,
  alive: () => boolean,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!alive()) throw new Error(`process for port ${port} exited`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await sleep(50);
  }
  throw new Error(`nothing listened on ${port}`);
}

export interface ProcStats {
  readonly rssKb: number;
  /** utime + stime in clock ticks (USER_HZ, 100 on Linux). */
  readonly cpuTicks: number;
}

export const TICKS_PER_SECOND = 100;

/** utime + stime of a `stat` file (process or thread), in clock ticks. */
function statCpuTicks(stat: string): number {
  // Fields after the ")" of the command name: state is field 3; utime 14, stime 15.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(rest[11]) + Number(rest[12]);
}

export async function procStats(pid: number): Promise<ProcStats> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const rss = /VmRSS:\s+(\d+)\s+kB/.exec(status);
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  return { rssKb: Number(rss?.[1] ?? 0), cpuTicks: statCpuTicks(stat) };
}

/**
 * CPU ticks of a process's main thread alone (its thread id is the pid): for node, the event
 * loop that relays the bytes, without its workers and the libuv thread pool.
 */
export async function mainThreadCpuTicks(pid: number): Promise<number> {
  return statCpuTicks(await readFile(`/proc/${pid}/task/${pid}/stat`, 'utf8'));
}

/**
 * Waits until a process is idle (under 10 % of a core over 200 ms, twice in a row; at most
 * `maxMs`): gatehouse seals and indexes a recording after its session, and that work must not
 * run into the next path's round (nor the next gatehouse round).
 */
export async function untilIdle(pid: number, maxMs = 60_000): Promise<void> {
  const deadline = performance.now() + maxMs;
  let quiet = 0;
  let before = (await procStats(pid)).cpuTicks;
  while (quiet < 2 && performance.now() < deadline) {
    await sleep(200);
    const now = (await procStats(pid)).cpuTicks;
    quiet = now - before <= 2 ? quiet + 1 : 0;
    before = now;
  }
}

export async function loadAverage(): Promise<number> {
  return Number((await readFile('/proc/loadavg', 'utf8')).split(' ')[0]);
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? Number.NaN;
}

export function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}
