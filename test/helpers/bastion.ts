import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load-config.js';
import type { Grant, GrantMode, Nda, Target } from '../../src/core/model.js';
import type { Store } from '../../src/core/ports.js';
import type { TransferRights } from '../../src/core/transfer-rights.js';
import { parsePublicKey } from '../../src/keys/public-key.js';
import { createRootLogger, type Logger } from '../../src/logging/logger.js';
import { startGatehouse, type RunningGatehouse, type StartOptions } from '../../src/main.js';
import { makeUserKey, type UserKeyFiles } from './keys.js';
import { startSshd, type SshdTarget } from './sshd.js';
import type { SshLogin } from './ssh-client.js';
import { tempDir } from './tmp.js';

export const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ACTOR = 'test-admin';

export interface TestUser {
  readonly name: string;
  readonly key: UserKeyFiles;
}

export interface GrantSpec {
  readonly target?: string;
  readonly startsAt?: number;
  readonly endsAt?: number;
  readonly mode?: GrantMode;
  readonly allowlist?: readonly string[];
  readonly reason?: string;
  /** Acknowledge the NDA right away (default true: most tests are not about the NDA). */
  readonly acknowledged?: boolean;
  readonly nda?: Nda;
  /** File transfer rights (default: none). */
  readonly transfer?: TransferRights;
}

export interface BastionFixture {
  readonly port: number;
  readonly store: Store;
  readonly dir: string;
  readonly configPath: string;
  readonly sshd: SshdTarget;
  readonly target: Target;
  readonly running: RunningGatehouse;
  addUser(name: string): Promise<TestUser>;
  /** Another ssh target on the same sshd as db1 (e.g. db2), host key pinned. */
  addSshTarget(name: string): Promise<Target>;
  addNda(user: TestUser, extra?: { readonly expiresAt?: number | null }): Promise<Nda>;
  addGrant(user: TestUser, spec?: GrantSpec): Promise<Grant>;
  /** A user with one active, acknowledged shell grant on db1 (1 hour). */
  userWithGrant(name: string, spec?: GrantSpec): Promise<TestUser & { readonly grant: Grant }>;
  login(user: TestUser, target?: string | null): SshLogin;
  /**
   * Runs the real CLI (bin/gatehouse.js) in a second process against the same config, or another
   * config file (e.g. another node's name on the same database).
   */
  cli(
    args: readonly string[],
    configPath?: string,
  ): Promise<{ readonly code: number; readonly stdout: string; readonly stderr: string }>;
  auditTypes(type: string): Promise<Readonly<Record<string, unknown>>[]>;
  stop(): Promise<void>;
}

export interface BastionOptions {
  /** Extra `ssh:` settings for the config file (YAML values as written), e.g. { loginGraceTime: '2s' }. */
  readonly ssh?: Readonly<Record<string, string | number>>;
  /** `commandTargets.limits:` settings (YAML values as written), e.g. { processes: 20 }. */
  readonly commandTargetLimits?: Readonly<Record<string, string | number>>;
  readonly sshd?: SshdTarget;
  /** The bastion's logger (default: a root logger at GATEHOUSE_TEST_LOG, else silent). */
  readonly logger?: Logger;
  /** More `recordings:` lines, indented two spaces (e.g. test/helpers/s3-server.ts configLines). */
  readonly recordings?: readonly string[];
  /** More top-level sections for the config file, as YAML (e.g. `notify:`, `web:`). */
  readonly extraConfig?: string;
  /** Config `database.url`: a PostgreSQL database instead of the SQLite file. */
  readonly databaseUrl?: string;
  /** Passed on to startGatehouse (e.g. the notifier's shorter timings). */
  readonly start?: Pick<StartOptions, 'notify'>;
}

const yamlValue = (v: string | number): string => (typeof v === 'number' ? String(v) : `'${v}'`);

/** gatehouse started in-process on port 0 with a temp config, database and keys; db1 = a real sshd. */
export async function startBastion(options: BastionOptions = {}): Promise<BastionFixture> {
  const dir = await tempDir('gatehouse-bastion-');
  const sshd = options.sshd ?? (await startSshd());
  const sshLines = Object.entries({
    listen: '127.0.0.1:2222',
    hostKeyPath: 'keys/host_ed25519',
    clientKeyPath: 'keys/client_ed25519',
    ...options.ssh,
  }).map(([k, v]) => `  ${k}: ${yamlValue(v)}`);
  const limitLines = Object.entries(options.commandTargetLimits ?? {}).map(
    ([k, v]) => `    ${k}: ${yamlValue(v)}`,
  );
  const configPath = join(dir, 'gatehouse.yaml');
  await writeFile(
    configPath,
    [
      'ssh:',
      ...sshLines,
      'database:',
      '  path: data/gatehouse.db',
      ...(options.databaseUrl === undefined ? [] : [`  url: ${options.databaseUrl}`]),
      'recordings:',
      '  dir: recordings',
      ...(options.recordings ?? []),
      'log:',
      `  level: ${process.env['GATEHOUSE_TEST_LOG'] ?? 'silent'}`,
      ...(limitLines.length > 0 ? ['commandTargets:', '  limits:', ...limitLines] : []),
      options.extraConfig ?? '',
      '',
    ].join('\n'),
  );
  const config = await loadConfig(configPath, {}, dir);
  const logger = options.logger ?? createRootLogger({ level: config.log.level });
  const running = await startGatehouse(config, { ...options.start, port: 0, logger });
  const { store } = running;
  await sshd.authorize(await readFile(`${config.ssh.clientKeyPath}.pub`, 'utf8'));
  const addSshTarget = (name: string): Promise<Target> =>
    store.targets.add(
      { name, host: sshd.host, port: sshd.port, login: sshd.login, hostKey: sshd.hostKeyLine },
      ACTOR,
    );
  const target = await addSshTarget('db1');

  const fixture: BastionFixture = {
    port: running.port,
    store,
    dir,
    configPath,
    sshd,
    target,
    running,
    addSshTarget,
    async addUser(name) {
      const key = await makeUserKey(dir, name);
      const parsed = parsePublicKey(key.publicLine);
      if (!parsed.ok) throw new Error(parsed.message);
      await store.users.add(name, parsed.key, ACTOR);
      return { name, key };
    },
    addNda: (user, extra = {}) =>
      store.ndas.add(
        {
          userName: user.name,
          title: 'Acme contractor NDA v3',
          ref: `NDA-${user.name}`,
          signedAt: Date.now() - 30 * DAY,
          expiresAt: extra.expiresAt ?? null,
          documentSha256: 'a'.repeat(64),
        },
        ACTOR,
      ),
    async addGrant(user, spec = {}) {
      const now = Date.now();
      const startsAt = spec.startsAt ?? now - 60_000;
      const nda = spec.nda ?? (await fixture.addNda(user));
      const grant = await store.grants.add(
        {
          userName: user.name,
          targetName: spec.target ?? 'db1',
          ndaId: nda.id,
          startsAt,
          endsAt: spec.endsAt ?? now + HOUR,
          mode: spec.mode ?? 'shell',
          allowlist: spec.allowlist ?? [],
          reason: spec.reason ?? 'test',
          ...(spec.transfer === undefined ? {} : { transfer: spec.transfer }),
        },
        30 * DAY,
        Math.min(now, startsAt),
        ACTOR,
      );
      if (spec.acknowledged === false) return grant;
      return store.grants.acknowledgeNda(grant.id, now, ACTOR);
    },
    async userWithGrant(name, spec) {
      const user = await fixture.addUser(name);
      const grant = await fixture.addGrant(user, spec);
      return { ...user, grant };
    },
    login: (user, target = 'db1') => ({
      port: running.port,
      keyPath: user.key.privatePath,
      login: target === null ? user.name : `${user.name}+${target}`,
    }),
    cli: (args, config = configPath) =>
      new Promise((resolve) => {
        execFile(
          process.execPath,
          ['bin/gatehouse.js', '--config', config, ...args],
          { cwd: process.cwd(), encoding: 'utf8' },
          (err, stdout, stderr) => {
            const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
            resolve({ code, stdout, stderr });
          },
        );
      }),
    async auditTypes(type) {
      return (await store.audit.list({ type })).map((r) => r.payload);
    },
    async stop() {
      await running.stop();
      if (options.sshd === undefined) await sshd.stop();
    },
  };
  return fixture;
}
