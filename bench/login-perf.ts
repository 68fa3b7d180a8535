/**
 * Where the machine's CPU goes during a burst of `ssh … true` logins through gatehouse: a
 * system-wide `perf record` (Linux perf, run as root), summarised per process kind (gatehouse,
 * target sshd, ssh client, target shell, …) in CPU ms per login, and gatehouse's own samples per
 * area (store, ssh2 kex, …). `node --cpu-prof` cannot show this: it samples gatehouse's main
 * thread only, and counts the time it waits for the CPU as busy.
 *
 *   npm run build && npx tsc -p bench/tsconfig.json
 *   node dist/bench/login-perf.js [--gatehouse DIR] [--seconds 20] [--parallel 10] [--direct]
 *
 * `--direct` profiles a burst of direct OpenSSH logins as well (the yardstick).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startGatehouse } from './lib/gatehouse.js';
import { loginFixture } from './lib/login-fixture.js';
import { run } from './lib/proc.js';
import type { PathName, SshPaths } from './lib/ssh-paths.js';
import { connectOnce, loginRate } from './lib/transfer.js';
import { parsePerfScript, summarisePerf, type PerfSummary } from './login-perf-summary.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const argv = process.argv.slice(2);
const option = (flag: string): string | undefined => {
  const at = argv.indexOf(flag);
  return at >= 0 ? argv[at + 1] : undefined;
};
const ghRoot = resolve(option('--gatehouse') ?? repoRoot);
const seconds = Number(option('--seconds') ?? 20);
const parallel = Number(option('--parallel') ?? 10);
const HZ = 499;
const started = Date.now();
const log = (line: string): void =>
  console.error(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);

/** A burst of logins under `perf record -a -g`; the samples, parsed. */
async function profiledBurst(
  paths: SshPaths,
  path: PathName,
  dataFile: string,
): Promise<{ logins: number; seconds: number; text: string }> {
  const perf = spawn('perf', ['record', '-a', '-g', '-F', String(HZ), '-o', dataFile], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<number | null>((res) => perf.once('exit', (code) => res(code)));
  await new Promise((r) => setTimeout(r, 500)); // perf attaches to every CPU
  const t0 = performance.now();
  const burst = await loginRate(paths, path, parallel, seconds);
  perf.kill('SIGINT');
  await exited;
  const script = await run('perf', ['script', '-i', dataFile, '-F', 'comm,pid,tid,ip,sym,dso'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return { logins: burst.logins, seconds: (performance.now() - t0) / 1000, text: script.stdout };
}

function format(title: string, s: PerfSummary, logins: number): string {
  const per = (samples: number): string =>
    ((samples * 1000) / HZ / Math.max(1, logins)).toFixed(1).padStart(6);
  const lines = [
    `${title}: ${logins} logins; CPU ms per login by process (${HZ} Hz samples on every CPU; idle = CPU nobody used):`,
    ...s.processes.map((p) => `  ${per(p.samples)} ms  ${p.name}`),
  ];
  if (s.gatehouseAreas.length > 0) {
    lines.push(
      'gatehouse by area (the work is charged to the first of: store, recording, logging, ssh2 key ops, ssh2 kex, gatehouse code, ssh2 cipher, ssh2 protocol, …):',
    );
    lines.push(...s.gatehouseAreas.map((a) => `  ${per(a.samples)} ms  ${a.name}`));
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  if ((await run('perf', ['--version']).catch(() => ({ code: 1 }))).code !== 0)
    throw new Error('needs Linux perf (perf record -a, as root)');
  const base = await mkdtemp(join(tmpdir(), 'gatehouse-login-perf-'));
  const stoppers: (() => Promise<unknown>)[] = [];
  try {
    const { setup, paths } = await loginFixture(base, repoRoot, log, stoppers);
    const gh = await startGatehouse(ghRoot, setup, ['--perf-basic-prof']);
    stoppers.push(() => gh.stop());
    stoppers.push(() => rm(`/tmp/perf-${gh.pid}.map`, { force: true })); // --perf-basic-prof's symbol map
    // JIT warm-up first, so the profile shows the steady state rather than V8 compiling.
    await connectOnce(paths, 'gatehouse');
    log(`warm-up: ${parallel} clients for 5 s`);
    await loginRate(paths, 'gatehouse', parallel, 5);
    log(`profiling gatehouse (${ghRoot}): ${parallel} clients for ${seconds} s`);
    const g = await profiledBurst(paths, 'gatehouse', join(base, 'gatehouse.perf'));
    const out = [
      format(
        `gatehouse path, ${(g.logins / g.seconds).toFixed(1)} logins/s`,
        summarisePerf(parsePerfScript(g.text), { gatehousePid: gh.pid, driverPid: process.pid }),
        g.logins,
      ),
    ];
    if (argv.includes('--direct')) {
      log(`profiling direct OpenSSH: ${parallel} clients for ${seconds} s`);
      const d = await profiledBurst(paths, 'direct', join(base, 'direct.perf'));
      out.push(
        '',
        format(
          `direct path, ${(d.logins / d.seconds).toFixed(1)} logins/s`,
          summarisePerf(parsePerfScript(d.text), { gatehousePid: gh.pid, driverPid: process.pid }),
          d.logins,
        ),
      );
    }
    console.log(`\n${out.join('\n')}`);
  } finally {
    for (const stop of stoppers.reverse()) await stop().catch(() => undefined);
    await rm(base, { recursive: true, force: true }).catch(() => undefined);
  }
}

await main();
