/**
 * `bin/gatehouse.js serve` as a child process (as an operator runs it) with a temp config, a real
 * sshd target `db1` and a user `alice` holding an acknowledged shell grant on it. Shared by the
 * metrics and reload tests.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { loadConfig } from '../../src/config/load-config.js';
import type { GrantMode } from '../../src/core/model.js';
import { ensureKeyPair } from '../../src/keys/key-files.js';
import { parsePublicKey } from '../../src/keys/public-key.js';
import { openStore } from '../../src/store/open-store.js';
import { makeUserKey } from '../helpers/keys.js';
import type { SshLogin } from '../helpers/ssh-client.js';
import type { SshdTarget } from '../helpers/sshd.js';

const ACTOR = 'test-admin';
const HOUR = 3_600_000;

export interface ServeConfig {
  readonly level?: string;
  readonly loginGraceTime?: string;
  readonly web?: boolean;
  /** Raw YAML appended as is (to break the file on purpose). */
  readonly extra?: string;
  readonly databasePath?: string;
}

export function serveConfigText(c: ServeConfig = {}): string {
  return [
    'ssh:',
    '  listen: 127.0.0.1:0',
    '  hostKeyPath: keys/host_ed25519',
    '  clientKeyPath: keys/client_ed25519',
    `  loginGraceTime: ${c.loginGraceTime ?? '60s'}`,
    '  drainTimeout: 1s',
    'database:',
    `  path: ${c.databasePath ?? 'data/gatehouse.db'}`,
    'recordings:',
    '  dir: recordings',
    ...(c.web === true ? ['web:', '  listen: 127.0.0.1:0'] : []),
    'log:',
    `  level: ${c.level ?? 'info'}`,
    c.extra ?? '',
  ].join('\n');
}

/** alice's grant on db1 (default: a shell grant). */
export interface SeedGrant {
  readonly mode?: GrantMode;
  readonly allowlist?: readonly string[];
}

/** Writes the config, authorizes the bastion's client key on the sshd, seeds db1 and alice. */
export async function seedServeDir(
  dir: string,
  sshd: SshdTarget,
  config: ServeConfig = {},
  seed: SeedGrant = {},
): Promise<{ configPath: string; alice: SshLogin & { readonly keyPath: string } }> {
  const configPath = join(dir, 'gatehouse.yaml');
  await writeFile(configPath, serveConfigText(config));
  const cfg = await loadConfig(configPath, {}, dir);
  const client = await ensureKeyPair(cfg.ssh.clientKeyPath);
  await sshd.authorize(client.publicLine);
  await mkdir(dirname(cfg.database.path), { recursive: true, mode: 0o700 });
  const store = await openStore(cfg.database.path);
  try {
    await store.targets.add(
      {
        name: 'db1',
        host: sshd.host,
        port: sshd.port,
        login: sshd.login,
        hostKey: sshd.hostKeyLine,
      },
      ACTOR,
    );
    const key = await makeUserKey(dir, 'alice');
    const parsed = parsePublicKey(key.publicLine);
    if (!parsed.ok) throw new Error(parsed.message);
    await store.users.add('alice', parsed.key, ACTOR);
    const now = Date.now();
    const nda = await store.ndas.add(
      {
        userName: 'alice',
        title: 'Acme NDA',
        ref: 'NDA-1',
        signedAt: now - HOUR,
        expiresAt: null,
        documentSha256: null,
      },
      ACTOR,
    );
    const grant = await store.grants.add(
      {
        userName: 'alice',
        targetName: 'db1',
        ndaId: nda.id,
        startsAt: now - 60_000,
        endsAt: now + HOUR,
        mode: seed.mode ?? 'shell',
        allowlist: seed.allowlist ?? [],
        reason: 'test',
      },
      30 * 24 * HOUR,
      now - 60_000,
      ACTOR,
    );
    await store.grants.acknowledgeNda(grant.id, now, ACTOR);
    return { configPath, alice: { port: 0, keyPath: key.privatePath, login: 'alice+db1' } };
  } finally {
    await store.close();
  }
}

export interface ServeChild {
  readonly pid: number;
  readonly sshPort: number;
  readonly webPort: number | null;
  /** Everything written to stdout so far (the listening lines and the JSON log lines). */
  stdout(): string;
  stderr(): string;
  /** Log lines (parsed JSON) written so far. */
  logs(): Record<string, unknown>[];
  /** Waits until a log line satisfies `test` (after the first `skip` lines). */
  waitForLog(
    test: (entry: Record<string, unknown>) => boolean,
    skip?: number,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  readonly alive: () => boolean;
  signal(name: NodeJS.Signals): void;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function startServe(configPath: string): Promise<ServeChild> {
  const proc = spawn(process.execPath, ['bin/gatehouse.js', '--config', configPath, 'serve'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
  proc.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
  const exited = once(proc, 'exit').then(([code]) => code as number | null);
  const wantWeb = /\nweb:/.test(await readFile(configPath, 'utf8'));
  for (let i = 0; i < 150; i++) {
    if (/listening on 127\.0\.0\.1:\d+/.test(out) && (!wantWeb || /review page on http/.test(out)))
      break;
    if (proc.exitCode !== null) break;
    await sleep(100);
  }
  const sshPort = Number(/listening on 127\.0\.0\.1:(\d+)/.exec(out)?.[1]);
  if (!(sshPort > 0)) {
    proc.kill('SIGKILL');
    throw new Error(`serve did not start:\n${out}\n${err}`);
  }
  const web = /review page on http:\/\/127\.0\.0\.1:(\d+)\//.exec(out)?.[1];
  const logs = (): Record<string, unknown>[] =>
    out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return {
    pid: proc.pid ?? 0,
    sshPort,
    webPort: web === undefined ? null : Number(web),
    stdout: () => out,
    stderr: () => err,
    logs,
    alive: () => proc.exitCode === null && proc.signalCode === null,
    signal: (name) => proc.kill(name),
    waitForLog: async (test, skip = 0, timeoutMs = 10_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = logs().slice(skip).find(test);
        if (found !== undefined) return found;
        if (Date.now() > deadline)
          throw new Error(`no such log line; stdout so far:\n${out}\nstderr:\n${err}`);
        await sleep(50);
      }
    },
    stop: async () => {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
