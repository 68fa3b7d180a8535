import { spawn, type ChildProcess } from 'node:child_process';
import { procStats, sleep, TICKS_PER_SECOND } from './proc.js';
import type { SshPaths } from './ssh-paths.js';

/** An idle interactive shell through gatehouse: `ssh -tt`, stdin held open, prompt seen. */
interface IdleShell {
  readonly child: ChildProcess;
}

/** Who logs in: `-i KEY -l LOGIN+db1` (each user has their own grant, as in production). */
export interface ShellUser {
  readonly keyPath: string;
  readonly login: string;
}

/** Resolves with the shell, or with why it did not come up (the scale run goes on without it). */
function openIdleShell(paths: SshPaths, user: ShellUser): Promise<IdleShell | string> {
  return new Promise((resolve) => {
    const child = spawn(
      'ssh',
      paths.args('gatehouse', ['-tt', '-i', user.keyPath, '-l', user.login]),
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let stderr = '';
    let done = false;
    const finish = (r: IdleShell | string): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(r);
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish(`no prompt within 90 s (${user.login}): ${stderr.trim().slice(-200)}`);
    }, 90_000);
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout?.once('data', () => {
      child.stdout?.resume();
      finish({ child });
    });
    child.once('exit', (code) =>
      finish(`exited ${String(code)} (${user.login}): ${stderr.trim().slice(-200)}`),
    );
    child.once('error', (e) => finish(e.message));
  });
}

export interface ScalePoint {
  readonly sessions: number;
  readonly rssKb: number;
  readonly rssPerSessionKb: number;
  /** Marginal RSS per session since the previous point. */
  readonly marginalKbPerSession: number | null;
  /** gatehouse CPU over the idle window, % of one core. */
  readonly idleCpuPercent: number;
  readonly openSeconds: number;
  /** Shells that did not come up at this step (first reason in `failure`). */
  readonly failed: number;
  readonly failure: string | null;
}

/**
 * Opens idle shells up to each N in `steps` (cumulatively), measuring gatehouse's RSS and its CPU
 * over `idleSeconds` of idleness at each step; closes them all at the end. Shells are spread
 * round-robin over `users`, so the grant watcher has one grant per user to re-check.
 */
export async function measureScale(
  paths: SshPaths,
  gatehousePid: number,
  users: readonly ShellUser[],
  steps: readonly number[],
  idleSeconds: number,
  concurrency: number,
  log: (line: string) => void,
): Promise<{ baselineRssKb: number; points: ScalePoint[] }> {
  const shells: IdleShell[] = [];
  const baselineRssKb = (await procStats(gatehousePid)).rssKb;
  const points: ScalePoint[] = [];
  let previous: { sessions: number; rssKb: number } = { sessions: 0, rssKb: baselineRssKb };
  try {
    for (const n of steps) {
      const t0 = Date.now();
      let failed = 0;
      let failure: string | null = null;
      for (let attempts = shells.length; attempts < n;) {
        const batch = Math.min(concurrency, n - attempts);
        const opened = await Promise.all(
          Array.from({ length: batch }, (_, i) =>
            openIdleShell(paths, users[(attempts + i) % users.length]!),
          ),
        );
        attempts += batch;
        for (const r of opened) {
          if (typeof r === 'string') {
            failed += 1;
            failure ??= r;
          } else shells.push(r);
        }
      }
      const openSeconds = (Date.now() - t0) / 1000;
      await sleep(2000);
      const before = await procStats(gatehousePid);
      await sleep(idleSeconds * 1000);
      const after = await procStats(gatehousePid);
      const idleCpuPercent =
        ((after.cpuTicks - before.cpuTicks) / TICKS_PER_SECOND / idleSeconds) * 100;
      const point: ScalePoint = {
        sessions: shells.length,
        failed,
        failure,
        rssKb: after.rssKb,
        rssPerSessionKb: (after.rssKb - baselineRssKb) / Math.max(1, shells.length),
        marginalKbPerSession:
          shells.length > previous.sessions
            ? (after.rssKb - previous.rssKb) / (shells.length - previous.sessions)
            : null,
        idleCpuPercent,
        openSeconds,
      };
      points.push(point);
      previous = { sessions: shells.length, rssKb: after.rssKb };
      log(
        `  scale ${n}: ${shells.length} up, ${failed} failed${failure === null ? '' : ` (${failure})`}; rss ${(after.rssKb / 1024).toFixed(1)} MiB, ${point.rssPerSessionKb.toFixed(0)} kB/session, idle cpu ${idleCpuPercent.toFixed(1)}%, opened in ${openSeconds.toFixed(1)} s`,
      );
    }
  } finally {
    await closeAll(shells);
  }
  return { baselineRssKb, points };
}

async function closeAll(shells: readonly IdleShell[]): Promise<void> {
  await Promise.all(
    shells.map(
      ({ child }) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          child.stdin?.end('exit\n');
        }),
    ),
  );
}
