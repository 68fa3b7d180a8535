/**
 * Logins per second through gatehouse alone, for profiling and A/B runs of the login path:
 *
 *   npm run build && npx tsc -p bench/tsconfig.json
 *   node dist/bench/login-profile.js [--gatehouse DIR]... [--rounds 3] [--seconds 15] [--parallel 10]
 *                                    [--connects 10] [--direct] [--cpu-prof]
 *
 * Sets up the target sshd (clean /bin/sh account, as `npm run bench` does) and one gatehouse
 * database, then runs every `--gatehouse` checkout (default: this repository) in turn, round by
 * round in a rotating order: `--connects` sequential `ssh … true` (connect time, unloaded), then
 * `--parallel` clients for `--seconds` (logins/s, p50/p99, gatehouse CPU per login). `--direct`
 * adds the direct OpenSSH path as a yardstick; `--cpu-prof` runs one more burst per checkout
 * under `node --cpu-prof` and prints its summary. From the gatehouse log: the time from
 * "authenticated" to "session started" per login.
 */
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startGatehouse, type GatehouseProcess } from './lib/gatehouse.js';
import { loginFixture } from './lib/login-fixture.js';
import { median, percentile, procStats } from './lib/proc.js';
import type { PathName } from './lib/ssh-paths.js';
import { connectOnce, loginRate } from './lib/transfer.js';
import { formatProfile, mainThreadProfile, summariseProfileFile } from './profile-summary.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const argv = process.argv.slice(2);
const valuesOf = (flag: string): string[] =>
  argv.flatMap((a, i) => (a === flag && argv[i + 1] !== undefined ? [argv[i + 1]!] : []));
const numberOf = (flag: string, fallback: number): number => Number(valuesOf(flag)[0] ?? fallback);
const roots = (valuesOf('--gatehouse').length > 0 ? valuesOf('--gatehouse') : [repoRoot]).map((r) =>
  resolve(r),
);
const rounds = numberOf('--rounds', 3);
const seconds = numberOf('--seconds', 15);
const parallel = numberOf('--parallel', 10);
const connects = numberOf('--connects', 10);
const started = Date.now();
const log = (line: string): void =>
  console.error(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);

interface Round {
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly failures: number;
  readonly cpuMsPerLogin: number;
  readonly connectMs: number;
}

/** CPU ticks per thread name (main thread as "main"): where gatehouse's CPU goes besides JS. */
async function threadTicks(pid: number): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const tid of await readdir(`/proc/${pid}/task`).catch(() => [] as string[])) {
    const stat = await readFile(`/proc/${pid}/task/${tid}/stat`, 'utf8').catch(() => null);
    if (stat === null) continue;
    const name =
      tid === String(pid)
        ? 'main'
        : stat
            .slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
            .replace(/[0-9]+$/, '')
            .trim();
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    out.set(name, (out.get(name) ?? 0) + Number(rest[11]) + Number(rest[12]));
  }
  return out;
}

const threadDelta = (a: Map<string, number>, b: Map<string, number>, logins: number): string =>
  [...b]
    .map(([name, t]) => [name, ((t - (a.get(name) ?? 0)) * 10) / Math.max(1, logins)] as const)
    .filter(([, ms]) => ms > 0)
    .sort((x, y) => y[1] - x[1])
    .map(([name, ms]) => `${name} ${ms.toFixed(1)}`)
    .join(', ');

/** Per "session started" line: ms since the same connection's "authenticated" line. */
async function authToSessionMs(logPath: string, fromByte: number): Promise<number[]> {
  const text = (await readFile(logPath, 'utf8')).slice(fromByte);
  const authAt = new Map<string, number>();
  const out: number[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    const rec = JSON.parse(line) as { msg?: string; connId?: string; time?: number };
    if (rec.connId === undefined || rec.time === undefined) continue;
    if (rec.msg === 'authenticated') authAt.set(rec.connId, rec.time);
    else if (rec.msg === 'session started') {
      const t = authAt.get(rec.connId);
      if (t !== undefined) out.push(rec.time - t);
    }
  }
  return out;
}

async function main(): Promise<void> {
  const base = await mkdtemp(join(tmpdir(), 'gatehouse-login-'));
  const stoppers: (() => Promise<unknown>)[] = [];
  try {
    const { login, setup, paths } = await loginFixture(base, repoRoot, log, stoppers);
    const variants: { name: string; root: string | null; path: PathName }[] = [
      ...roots.map((root) => ({ name: root, root, path: 'gatehouse' as const })),
      ...(argv.includes('--direct')
        ? [{ name: 'direct OpenSSH', root: null, path: 'direct' as const }]
        : []),
    ];
    const results = new Map<string, Round[]>(variants.map((v) => [v.name, []]));
    const gaps = new Map<string, number[]>(variants.map((v) => [v.name, []]));
    const logPath = join(setup.dir, 'gatehouse.log');
    log(
      `user ${userInfo().username}, target login ${login}; ${rounds} rounds of ${parallel} clients x ${seconds} s`,
    );

    for (let r = 0; r < rounds; r++) {
      for (let i = 0; i < variants.length; i++) {
        const v = variants[(i + r) % variants.length]!;
        let gh: GatehouseProcess | null = null;
        const logFrom = (await readFile(logPath, 'utf8').catch(() => '')).length;
        if (v.root !== null) gh = await startGatehouse(v.root, setup);
        try {
          await connectOnce(paths, v.path); // warm-up
          const connectMs = median(
            await sequential(connects, async () => (await connectOnce(paths, v.path)).ms),
          );
          const cpu0 = gh === null ? 0 : (await procStats(gh.pid)).cpuTicks;
          const threads0 = gh === null ? new Map<string, number>() : await threadTicks(gh.pid);
          const burst = await loginRate(paths, v.path, parallel, seconds);
          const cpuMs = gh === null ? Number.NaN : ((await procStats(gh.pid)).cpuTicks - cpu0) * 10;
          const threads =
            gh === null ? '' : threadDelta(threads0, await threadTicks(gh.pid), burst.logins);
          const sorted = [...burst.latenciesMs].sort((a, b) => a - b);
          const round: Round = {
            perSecond: burst.perSecond,
            p50: percentile(sorted, 50),
            p99: percentile(sorted, 99),
            failures: burst.failures,
            cpuMsPerLogin: cpuMs / Math.max(1, burst.logins),
            connectMs,
          };
          results.get(v.name)!.push(round);
          log(
            `${v.name}: ${round.perSecond.toFixed(1)}/s p50 ${round.p50.toFixed(0)} ms p99 ${round.p99.toFixed(0)} ms, ${round.failures} failed, CPU ${round.cpuMsPerLogin.toFixed(1)} ms/login, connect ${connectMs.toFixed(0)} ms${threads === '' ? '' : ` (CPU ms/login by thread: ${threads})`}${burst.firstError === null ? '' : `; ${burst.firstError}`}`,
          );
        } finally {
          await gh?.stop();
        }
        if (v.root !== null) gaps.get(v.name)!.push(...(await authToSessionMs(logPath, logFrom)));
      }
    }

    const lines = [
      '',
      `login bench: ${rounds} rounds, ${parallel} parallel clients x ${seconds} s, ${connects} sequential connects per round (medians over rounds)`,
    ];
    for (const v of variants) {
      const rs = results.get(v.name)!;
      const m = (f: (x: Round) => number): string => median(rs.map(f)).toFixed(1);
      const g = [...gaps.get(v.name)!].sort((a, b) => a - b);
      lines.push(
        `  ${v.name}: ${m((x) => x.perSecond)} logins/s, p50 ${m((x) => x.p50)} ms, p99 ${m((x) => x.p99)} ms, CPU ${m((x) => x.cpuMsPerLogin)} ms/login, connect ${m((x) => x.connectMs)} ms` +
          (g.length > 0
            ? `; authenticated→session started p50 ${percentile(g, 50)} ms p90 ${percentile(g, 90)} ms`
            : ''),
      );
    }
    console.log(lines.join('\n'));

    if (argv.includes('--cpu-prof')) {
      for (const v of variants) {
        if (v.root === null) continue;
        const profDir = join(base, `cpuprof-${variants.indexOf(v)}`);
        const gh = await startGatehouse(
          v.root,
          setup,
          ['--cpu-prof', `--cpu-prof-dir=${profDir}`],
          'gatehouse-profile.log',
        );
        let logins = 0;
        try {
          logins = (await loginRate(paths, v.path, parallel, seconds)).logins;
        } finally {
          await gh.stop();
        }
        const file = mainThreadProfile(await readdir(profDir));
        if (file === undefined) continue;
        const summary = await summariseProfileFile(join(profDir, file), 30);
        const saved = join(repoRoot, 'bench/results', `login-${variants.indexOf(v)}.cpuprofile`);
        await mkdir(dirname(saved), { recursive: true });
        await copyFile(join(profDir, file), saved);
        console.log(
          `\n${v.name} under --cpu-prof: ${logins} logins, busy ${(summary.busyMs / Math.max(1, logins)).toFixed(1)} ms per login (profile saved as ${saved})`,
        );
        console.log(formatProfile(summary));
      }
    }
  } finally {
    for (const stop of stoppers.reverse()) await stop().catch(() => undefined);
    await rm(base, { recursive: true, force: true }).catch(() => undefined);
  }
}

async function sequential<T>(n: number, fn: () => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(await fn());
  return out;
}

await main();
