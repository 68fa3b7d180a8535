import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, open, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { makeKey, type KeyFiles, type Sshd } from './sshd.js';
import { freePort, waitForPort } from './proc.js';

/** The slice of the built Store (dist/store/open-store.js) the bench uses to seed the database. */
interface SeedStore {
  readonly users: {
    add(
      name: string,
      key: { algorithm: string; blob: string; fingerprint: string; comment: string },
      actor: string,
    ): Promise<unknown>;
  };
  readonly ndas: {
    add(
      nda: {
        userName: string;
        title: string;
        ref: string;
        signedAt: number;
        expiresAt: number | null;
        documentSha256: string | null;
      },
      actor: string,
    ): Promise<{ readonly id: number }>;
  };
  readonly targets: {
    add(
      t: { name: string; host: string; port: number; login: string; hostKey: string | null },
      actor: string,
    ): Promise<unknown>;
  };
  readonly grants: {
    add(
      g: {
        userName: string;
        targetName: string;
        ndaId: number;
        startsAt: number;
        endsAt: number;
        mode: 'shell';
        allowlist: readonly string[];
        reason: string;
        transfer: {
          direction: 'both';
          paths: readonly string[];
          budgetBytes: number | null;
        };
      },
      maxDurationMs: number,
      now: number,
      actor: string,
    ): Promise<{ readonly id: number }>;
    acknowledgeNda(id: number, now: number, actor: string): Promise<unknown>;
  };
  close(): Promise<void>;
}
type OpenStore = (path: string) => Promise<SeedStore>;

export const BENCH_USER = 'bench';
export const TARGET_NAME = 'db1';
const DAY = 86_400_000;
const ACTOR = 'bench';

export interface GatehouseSetup {
  readonly dir: string;
  readonly configPath: string;
  readonly port: number;
  readonly user: KeyFiles;
  /** Further users (bench1…), each with their own NDA and acknowledged grant on db1. */
  readonly extraUsers: readonly { readonly login: string; readonly key: KeyFiles }[];
}

export interface GatehouseProcess {
  readonly pid: number;
  readonly port: number;
  /** SIGTERM, then waits for the exit (a --cpu-prof profile is written on exit). */
  stop(): Promise<number | null>;
}

/**
 * A temp config as deployed (recordings on, strict, input capture off, log level info) with the
 * limits raised for 500 concurrent sessions; the user, NDA, target (pinned key) and a shell grant
 * with transfer rights both ways and the NDA already acknowledged, so batch `ssh` and `sftp` work.
 */
export async function setupGatehouse(
  repoRoot: string,
  baseDir: string,
  target: Sshd,
  extraUserCount = 0,
  /** A PostgreSQL database (database.url) instead of the SQLite file. */
  databaseUrl?: string,
): Promise<GatehouseSetup> {
  const dir = join(baseDir, 'gatehouse');
  await mkdir(join(dir, 'keys'), { recursive: true, mode: 0o700 });
  const port = await freePort();
  const configPath = join(dir, 'gatehouse.yaml');
  await writeFile(
    configPath,
    [
      'ssh:',
      `  listen: '127.0.0.1:${port}'`,
      '  hostKeyPath: keys/host_ed25519',
      '  clientKeyPath: keys/client_ed25519',
      '  maxStartups: 2000',
      '  maxStartupsPerSource: 2000',
      '  drainTimeout: 2s',
      'database:',
      '  path: data/gatehouse.db',
      ...(databaseUrl === undefined ? [] : [`  url: '${databaseUrl}'`]),
      'recordings:',
      '  dir: recordings',
      '  mode: strict',
      '  captureInput: false',
      'log:',
      '  level: info',
      '',
    ].join('\n'),
  );
  // The bastion's client key, made here so it can be authorized on the target before start.
  const clientKey = await makeKey(join(dir, 'keys'), 'client');
  await target.authorize(clientKey.publicLine);
  const user = await makeKey(dir, BENCH_USER);
  const extraUsers: { login: string; key: KeyFiles }[] = [];
  for (let i = 1; i <= extraUserCount; i++)
    extraUsers.push({ login: `${BENCH_USER}${i}`, key: await makeKey(dir, `${BENCH_USER}${i}`) });

  await mkdir(join(dir, 'data'), { recursive: true });
  const url = pathToFileURL(join(repoRoot, 'dist/store/open-store.js')).href;
  const { openStore } = (await import(url)) as { openStore: OpenStore };
  const store = await openStore(databaseUrl ?? join(dir, 'data/gatehouse.db'));
  try {
    const now = Date.now();
    await store.targets.add(
      {
        name: TARGET_NAME,
        host: '127.0.0.1',
        port: target.port,
        login: target.login,
        hostKey: target.hostKeyLine,
      },
      ACTOR,
    );
    for (const { login, key } of [{ login: BENCH_USER, key: user }, ...extraUsers]) {
      const [algorithm = '', blob = ''] = key.publicLine.split(' ');
      const fingerprint = `SHA256:${createHash('sha256').update(Buffer.from(blob, 'base64')).digest('base64').replace(/=+$/, '')}`;
      await store.users.add(login, { algorithm, blob, fingerprint, comment: 'bench' }, ACTOR);
      const nda = await store.ndas.add(
        {
          userName: login,
          title: 'Bench NDA',
          ref: `NDA-${login}`,
          signedAt: now - DAY,
          expiresAt: null,
          documentSha256: 'a'.repeat(64),
        },
        ACTOR,
      );
      const grant = await store.grants.add(
        {
          userName: login,
          targetName: TARGET_NAME,
          ndaId: nda.id,
          startsAt: now - 60_000,
          endsAt: now + DAY,
          mode: 'shell',
          allowlist: [],
          reason: 'bench',
          // SFTP get and put of the data file (issue 16), anywhere, no budget.
          transfer: { direction: 'both', paths: [], budgetBytes: null },
        },
        30 * DAY,
        now - 60_000,
        ACTOR,
      );
      await store.grants.acknowledgeNda(grant.id, now, ACTOR);
    }
  } finally {
    await store.close();
  }
  return { dir, configPath, port, user, extraUsers };
}

/**
 * The environment the systemd unit (config/gatehouse.service) gives gatehouse beyond the config
 * path: its malloc tunables, so the bench measures the process as deployed. Empty for a checkout
 * whose unit sets none.
 */
export async function serviceEnvironment(repoRoot: string): Promise<Record<string, string>> {
  const unit = await readFile(join(repoRoot, 'config/gatehouse.service'), 'utf8').catch(() => '');
  const tunables = /^Environment=GLIBC_TUNABLES=(\S+)$/m.exec(unit)?.[1];
  return tunables === undefined ? {} : { GLIBC_TUNABLES: tunables };
}

/**
 * `node [nodeFlags] bin/gatehouse.js --config … serve` as a child, in the unit's environment
 * (`serviceEnvironment`): its pid is what we measure.
 */
export async function startGatehouse(
  repoRoot: string,
  setup: GatehouseSetup,
  nodeFlags: readonly string[] = [],
  logName = 'gatehouse.log',
): Promise<GatehouseProcess> {
  const log = await open(join(setup.dir, logName), 'a');
  const child: ChildProcess = spawn(
    process.execPath,
    [...nodeFlags, 'bin/gatehouse.js', '--config', setup.configPath, 'serve'],
    {
      cwd: repoRoot,
      env: { ...process.env, ...(await serviceEnvironment(repoRoot)) },
      stdio: ['ignore', log.fd, log.fd],
    },
  );
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  try {
    await waitForPort(setup.port, () => child.exitCode === null, 30_000);
  } catch (e) {
    child.kill('SIGKILL');
    await log.close();
    const tail = (await readFile(join(setup.dir, logName), 'utf8').catch(() => '')).slice(-2000);
    throw new Error(
      `gatehouse did not start: ${e instanceof Error ? e.message : String(e)}\n${tail}`,
    );
  }
  return {
    pid: child.pid ?? 0,
    port: setup.port,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const code = await exited;
      clearTimeout(timer);
      await log.close();
      return code;
    },
  };
}
