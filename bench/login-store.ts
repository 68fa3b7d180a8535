/**
 * Logins per second and CPU per login with the state in SQLite and in PostgreSQL (issue 17), in
 * the same run: a burst of `ssh … true` through gatehouse on each store, 10 parallel clients, a
 * clean-shell target. PostgreSQL is a throwaway cluster on a unix socket (bench/lib/postgres-cluster.ts,
 * fsync off as in the tests); its server processes' CPU is counted next to gatehouse's.
 *
 *   npm run build && npx tsc -p bench/tsconfig.json
 *   node dist/bench/login-store.js [--seconds 20] [--parallel 10]
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_USER, setupGatehouse, startGatehouse, TARGET_NAME } from './lib/gatehouse.js';
import { loginFixture } from './lib/login-fixture.js';
import { startPostgres } from './lib/postgres-cluster.js';
import { procStats } from './lib/proc.js';
import { writeSshConfig, type SshPaths } from './lib/ssh-paths.js';
import { connectOnce, loginRate } from './lib/transfer.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const argv = process.argv.slice(2);
const option = (flag: string): string | undefined => {
  const at = argv.indexOf(flag);
  return at >= 0 ? argv[at + 1] : undefined;
};
const seconds = Number(option('--seconds') ?? 20);
const parallel = Number(option('--parallel') ?? 10);
const started = Date.now();
const log = (line: string): void =>
  console.error(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);

/** CPU ticks of every process the `postgres` OS user runs (only the bench's cluster here). */
async function postgresTicks(): Promise<number> {
  const uid = (await readFile('/etc/passwd', 'utf8'))
    .split('\n')
    .find((l) => l.startsWith('postgres:'))
    ?.split(':')[2];
  let ticks = 0;
  for (const pid of (await readdir('/proc')).filter((n) => /^\d+$/.test(n))) {
    const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
    if (uid === undefined || !new RegExp(`^Uid:\\s+${uid}\\s`, 'm').test(status)) continue;
    ticks += await procStats(Number(pid)).then(
      (s) => s.cpuTicks,
      () => 0,
    );
  }
  return ticks;
}

interface Row {
  readonly store: string;
  readonly perSecond: number;
  readonly failures: number;
  readonly gatehouseMs: number;
  readonly databaseMs: number | null;
}

async function burst(store: string, paths: SshPaths, pid: number, pg: boolean): Promise<Row> {
  await connectOnce(paths, 'gatehouse');
  await loginRate(paths, 'gatehouse', parallel, 3); // warm-up
  log(`${store}: ${parallel} clients for ${seconds} s`);
  const [gh0, pg0] = [(await procStats(pid)).cpuTicks, pg ? await postgresTicks() : 0];
  const r = await loginRate(paths, 'gatehouse', parallel, seconds);
  const [gh1, pg1] = [(await procStats(pid)).cpuTicks, pg ? await postgresTicks() : 0];
  const per = (ticks: number): number => (ticks * 10) / Math.max(1, r.logins);
  return {
    store,
    perSecond: r.perSecond,
    failures: r.failures,
    gatehouseMs: per(gh1 - gh0),
    databaseMs: pg ? per(pg1 - pg0) : null,
  };
}

async function main(): Promise<void> {
  const base = await mkdtemp(join(tmpdir(), 'gatehouse-login-store-'));
  const stoppers: (() => Promise<unknown>)[] = [];
  try {
    const { setup, paths, target } = await loginFixture(base, repoRoot, log, stoppers);
    const rows: Row[] = [];
    const sqlite = await startGatehouse(repoRoot, setup);
    stoppers.push(() => sqlite.stop());
    rows.push(await burst('SQLite', paths, sqlite.pid, false));
    await sqlite.stop();

    const cluster = await startPostgres();
    stoppers.push(() => cluster.stop());
    const url = cluster.url(await cluster.createDatabase());
    const pgSetup = await setupGatehouse(repoRoot, join(base, 'pg'), target, 0, url);
    await target.authorize(pgSetup.user.publicLine);
    const pgPaths = await writeSshConfig(
      join(base, 'pg'),
      { target: target.port, jump: target.port, gatehouse: pgSetup.port },
      target.login,
      `${BENCH_USER}+${TARGET_NAME}`,
      pgSetup.user.privatePath,
      null,
    );
    const onPg = await startGatehouse(repoRoot, pgSetup);
    stoppers.push(() => onPg.stop());
    rows.push(await burst('PostgreSQL', pgPaths, onPg.pid, true));

    const [lite, pg] = rows as [Row, Row];
    console.log(
      rows
        .map(
          (r) =>
            `logins/s on ${r.store}: ${r.perSecond.toFixed(1)} (${r.failures} failed); gatehouse CPU per login ${r.gatehouseMs.toFixed(1)} ms${r.databaseMs === null ? '' : `, PostgreSQL server ${r.databaseMs.toFixed(1)} ms`}`,
        )
        .concat(`PostgreSQL / SQLite logins/s: ${(pg.perSecond / lite.perSecond).toFixed(2)} x`)
        .join('\n'),
    );
  } finally {
    for (const stop of stoppers.reverse()) await stop().catch(() => undefined);
    await rm(base, { recursive: true, force: true }).catch(() => undefined);
  }
}

await main();
