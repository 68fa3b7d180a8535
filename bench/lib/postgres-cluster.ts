/**
 * A throwaway PostgreSQL cluster for the tests and the bench (Debian's `postgresql` package): initdb in a fresh
 * temp dir, the server on a unix socket in that dir only (no TCP), no fsync. Tests run as root and
 * PostgreSQL refuses root, so initdb and the server run as the `postgres` OS user; the server gets
 * a parent-death signal, so a test process that crashes leaves no postgres behind.
 * Each caller gets a fresh database, copied from a template `prepareTemplate` made (the tests: a
 * migrated one, test/helpers/postgres-server.ts), or empty. Nothing here imports gatehouse.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { chown, mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const PG_ROOT = '/usr/lib/postgresql';
const TEMPLATE = 'gatehouse_template';

export interface PostgresServer {
  /** A connection URL for `database` over the cluster's unix socket. */
  url(database: string): string;
  /** A new database copied from the template (`prepareTemplate` made it). */
  createDatabase(): Promise<string>;
  /** A new database with no tables at all. */
  createEmptyDatabase(): Promise<string>;
  stop(): Promise<void>;
}

/** The newest installed server's bin folder; a clear failure when there is none. */
function binDir(): string {
  const versions = existsSync(PG_ROOT)
    ? readdirSync(PG_ROOT)
        .filter((v) => existsSync(join(PG_ROOT, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const newest = versions[0];
  if (newest === undefined) {
    throw new Error(
      `PostgreSQL is not installed (no ${PG_ROOT}/*/bin/initdb): run scripts/setup-debian.sh`,
    );
  }
  return join(PG_ROOT, newest, 'bin');
}

function runAsPostgres(args: readonly string[]): void {
  const r = spawnSync('runuser', ['-u', 'postgres', '--', ...args], { encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`${args[0] ?? '?'} failed (${r.status ?? r.signal}): ${r.stderr.trim()}`);
  }
}

let counter = 0;

const PREFIX = 'gh-pg-';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A test process killed by its runner runs no exit handler: its server stops on the parent-death
 * signal, but its folder stays. Folders named after a process that is gone are removed here.
 */
function sweepOrphans(): void {
  for (const name of readdirSync(tmpdir())) {
    const pid = Number(/^gh-pg-(\d+)-/.exec(name)?.[1]);
    if (Number.isInteger(pid) && pid > 0 && !alive(pid)) {
      rmSync(join(tmpdir(), name), { recursive: true, force: true });
    }
  }
}

/** Retries `probe` until the server answers (30 s at most); fails at once if it exited. */
async function untilAccepting(
  probe: () => Promise<unknown>,
  server: ChildProcess,
  stderr: () => string,
): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (server.exitCode !== null || server.signalCode !== null) {
      throw new Error(`postgres exited: ${stderr().trim()}`);
    }
    try {
      await probe();
      return;
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

export async function startPostgres(
  prepareTemplate: (url: string) => Promise<void> = async () => undefined,
): Promise<PostgresServer> {
  const bin = binDir();
  sweepOrphans();
  const dir = await mkdtemp(join(tmpdir(), `${PREFIX}${process.pid}-`));
  const data = join(dir, 'data');
  await mkdir(data, { mode: 0o700 });
  const pw = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const uid = Number(pw.stdout.trim());
  const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  if (!Number.isInteger(uid) || pw.status !== 0) throw new Error('no postgres OS user');
  await chown(dir, uid, gid);
  await chown(data, uid, gid);
  runAsPostgres([
    join(bin, 'initdb'),
    '-D',
    data,
    '-U',
    'postgres',
    '--auth=trust',
    '-E',
    'UTF8',
    '--locale=C',
    '--no-sync',
  ]);
  const server: ChildProcess = spawn(
    'setpriv',
    [
      '--reuid=postgres',
      '--regid=postgres',
      '--init-groups',
      '--pdeathsig=SIGINT',
      '--',
      join(bin, 'postgres'),
      '-D',
      data,
      '-k',
      dir,
      '-c',
      'listen_addresses=',
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'max_connections=200',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  server.stderr?.on('data', (b: Buffer) => {
    stderr = (stderr + b.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  // At exit only synchronous work runs: an immediate shutdown that waits, then the folder.
  const stopNow = (): void => {
    if (server.exitCode === null && server.signalCode === null) {
      spawnSync(
        'runuser',
        ['-u', 'postgres', '--', join(bin, 'pg_ctl'), 'stop', '-D', data, '-m', 'immediate', '-w'],
        { stdio: 'ignore' },
      );
    }
    if (!process.env['GATEHOUSE_KEEP_TMP']) rmSync(dir, { recursive: true, force: true });
  };
  const kill = (): void => {
    server.kill('SIGINT');
  };
  process.once('exit', stopNow);
  const url = (database: string): string =>
    `postgres://postgres@localhost/${database}?host=${encodeURIComponent(dir)}`;
  const admin = async <T>(fn: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: url('postgres') });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  };
  try {
    await untilAccepting(
      () => admin((c) => c.query('SELECT 1')),
      server,
      () => stderr,
    );
    await admin((c) => c.query(`CREATE DATABASE ${TEMPLATE}`));
    await prepareTemplate(url(TEMPLATE));
  } catch (e) {
    process.removeListener('exit', stopNow);
    stopNow();
    throw e;
  }
  const fresh = async (template: string): Promise<string> => {
    const name = `t${process.pid}_${++counter}`;
    await admin((c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${template}`));
    return name;
  };
  return {
    url,
    createDatabase: () => fresh(TEMPLATE),
    createEmptyDatabase: () => fresh('template0'),
    async stop() {
      process.removeListener('exit', stopNow);
      kill();
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
