import { mkdir, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfigText, type Config } from '../../src/config/load-config.js';
import { GatehouseError } from '../../src/core/errors.js';
import { NO_TRANSFER } from '../../src/core/transfer-rights.js';
import { tempDir } from '../helpers/tmp.js';

const DAY = 86_400_000;
const repoRoot = path.resolve(import.meta.dirname, '../..');

async function configFile(text: string, name = 'gatehouse.yaml'): Promise<string> {
  const dir = await tempDir('gatehouse-config-');
  const file = path.join(dir, name);
  await writeFile(file, text);
  return file;
}

async function loadError(text: string): Promise<string> {
  const file = await configFile(text);
  try {
    await loadConfig(file, {}, '/');
  } catch (e) {
    expect(e).toBeInstanceOf(GatehouseError);
    expect((e as GatehouseError).code).toBe('config');
    const message = (e as GatehouseError).userMessage;
    expect(message).not.toContain('\n');
    return message.replace(file, 'FILE');
  }
  throw new Error('config was accepted');
}

/** The config without where it came from, to compare two sources. */
const settings = (c: Config) => ({ ...c, configPath: undefined });

describe('loadConfig', () => {
  it('refuses a missing config/gatehouse.yaml in one line naming the file and how to name another', async () => {
    const cwd = await tempDir();
    const file = path.join(cwd, 'config', 'gatehouse.yaml');
    await expect(loadConfig(undefined, {}, cwd)).rejects.toThrow(
      `config: ${file}: no such file; name the config file with --config FILE or $GATEHOUSE_CONFIG`,
    );
  });

  it('an empty file holds the defaults, relative to the file folder', async () => {
    const dir = await tempDir();
    const c = parseConfigText('', path.join(dir, 'config', 'gatehouse.yaml'));
    expect(c.database.path).toBe(path.join(dir, 'data', 'gatehouse.db'));
    expect(c.ssh.hostKeyPath).toBe(path.join(dir, 'data', 'keys', 'ssh_host_ed25519_key'));
    expect(c.ssh.clientKeyPath).toBe(path.join(dir, 'data', 'keys', 'client_ed25519_key'));
    expect(c.recordings).toEqual({
      dir: path.join(dir, 'recordings'),
      mode: 'strict',
      captureInput: false,
      maxBytesPerSession: 1024 ** 3,
      keepTransfers: null,
      store: 'local',
      s3: null,
      retentionMs: null,
    });
    expect(c.ssh.listen).toEqual({ host: '0.0.0.0', port: 2222 });
    expect(c.ssh.loginGraceTimeMs).toBe(60_000);
    expect(c.ssh.idleTimeoutMs).toBeNull();
    expect(c.ssh.drainTimeoutMs).toBe(10_000);
    expect(c.grants.maxDurationMs).toBe(30 * DAY);
    expect(c.web.listen).toBeNull();
    expect(c.log.level).toBe('info');
    expect(c.profiles).toEqual({});
    expect(c.node.name).toBe(hostname());
  });

  it('node.name: a short printable name; anything else refuses the file naming the key', async () => {
    expect(
      (await loadConfig(await configFile('node:\n  name: bastion-a.eu_1\n'), {}, '/')).node,
    ).toEqual({ name: 'bastion-a.eu_1' });
    const why = 'must be 1-63 letters, digits, dots, dashes or underscores';
    expect(await loadError('node:\n  name: "a b"\n')).toBe(`config: node.name: ${why}`);
    expect(await loadError(`node:\n  name: ${'n'.repeat(64)}\n`)).toBe(`config: node.name: ${why}`);
    expect(await loadError('node:\n  name: ""\n')).toBe(`config: node.name: ${why}`);
  });

  it('the example config/gatehouse.yaml is valid and holds exactly the defaults', async () => {
    const example = await loadConfig(undefined, {}, repoRoot);
    expect(example.configPath).toBe(path.join(repoRoot, 'config', 'gatehouse.yaml'));
    const dir = await tempDir();
    const defaults = parseConfigText('', path.join(dir, 'config', 'gatehouse.yaml'));
    const rebase = (c: Config, from: string) =>
      JSON.parse(JSON.stringify(settings(c)).split(from).join('<base>')) as unknown;
    expect(rebase(example, repoRoot)).toEqual(rebase(defaults, dir));
  });

  it('resolves relative paths against the config file folder, keeps absolute ones', async () => {
    const file = await configFile(
      'database:\n  path: db/g.db\nrecordings:\n  dir: /srv/rec\nssh:\n  clientKeyPath: ../k/client\n',
    );
    const dir = path.dirname(file);
    const c = await loadConfig(file, {}, '/somewhere/else');
    expect(c.configPath).toBe(file);
    expect(c.database.path).toBe(path.join(dir, 'db', 'g.db'));
    expect(c.recordings.dir).toBe('/srv/rec');
    expect(c.ssh.clientKeyPath).toBe(path.join(path.dirname(dir), 'k', 'client'));
  });

  it('takes $GATEHOUSE_CONFIG, and an explicit path over it; a relative explicit path is from cwd', async () => {
    const a = await configFile('log:\n  level: debug\n', 'a.yaml');
    const b = await configFile('log:\n  level: warn\n', 'b.yaml');
    expect((await loadConfig(undefined, { GATEHOUSE_CONFIG: a }, '/')).log.level).toBe('debug');
    expect((await loadConfig(b, { GATEHOUSE_CONFIG: a }, '/')).log.level).toBe('warn');
    expect((await loadConfig('b.yaml', {}, path.dirname(b))).configPath).toBe(b);
  });

  it('reads recordings.keepTransfers: false is off, an object its caps (sizes as typed)', async () => {
    const read = async (text: string) =>
      (await loadConfig(await configFile(text), {}, '/')).recordings.keepTransfers;
    expect(await read('recordings:\n  keepTransfers: false\n')).toBeNull();
    expect(await read('recordings:\n  keepTransfers: {}\n')).toEqual({
      maxFileBytes: 100 * 1024 ** 2,
      maxSessionBytes: 1024 ** 3,
    });
    expect(await read('recordings:\n  keepTransfers: { maxFileBytes: 500MiB }\n')).toEqual({
      maxFileBytes: 500 * 1024 ** 2,
      maxSessionBytes: 1024 ** 3,
    });
  });

  it('converts durations, listen addresses and profiles', async () => {
    const file = await configFile(
      [
        'ssh:',
        '  listen: "[::1]:0"',
        '  idleTimeout: 15m',
        'grants:',
        '  maxDuration: 7d',
        'web:',
        '  listen: 127.0.0.1:8080',
        'profiles:',
        '  ops:',
        '    - uptime',
        '    - df -h',
      ].join('\n'),
    );
    const c = await loadConfig(file, {}, '/');
    expect(c.ssh.listen).toEqual({ host: '::1', port: 0 });
    expect(c.ssh.idleTimeoutMs).toBe(15 * 60_000);
    expect(c.grants.maxDurationMs).toBe(7 * DAY);
    expect(c.web.listen).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(c.profiles).toEqual({ ops: { allow: ['uptime', 'df -h'], transfer: NO_TRANSFER } });
  });

  it('reads a profile with transfer rights', async () => {
    const file = await configFile(
      [
        'profiles:',
        '  logs:',
        '    allow: [uptime]',
        "    transfer: { direction: download, paths: ['/var/log/**'], budget: 500MiB }",
      ].join('\n'),
    );
    expect((await loadConfig(file, {}, '/')).profiles).toEqual({
      logs: {
        allow: ['uptime'],
        transfer: { direction: 'download', paths: ['/var/log/**'], budgetBytes: 500 * 1024 * 1024 },
      },
    });
  });

  it('web: publicUrl is an http(s) origin, trustedProxies addresses, session timeouts durations', async () => {
    const c = await loadConfig(
      await configFile(
        'web:\n  publicUrl: https://review.example.com/\n  trustedProxies: [127.0.0.1, "::1"]\n  sessionIdleTimeout: 10m\n',
      ),
      {},
      '/',
    );
    expect(c.web.publicUrl).toBe('https://review.example.com');
    expect(c.web.trustedProxies).toEqual(['127.0.0.1', '::1']);
    expect(c.web.sessionIdleTimeoutMs).toBe(10 * 60_000);
    expect(c.web.sessionMaxAgeMs).toBe(12 * 60 * 60_000);
    expect(await loadError('web:\n  publicUrl: https://review.example.com/path\n')).toMatch(
      /^config: web.publicUrl: must be the origin/,
    );
    expect(await loadError('web:\n  publicUrl: https://a:b:c\n')).toBe(
      'config: web.publicUrl: is not a valid URL',
    );
    expect(await loadError('web:\n  trustedProxies: [proxy.local]\n')).toMatch(
      /^config: web.trustedProxies.0: /,
    );
  });

  it('reads the checkpoint settings: a duration, a sink file resolved like any path, a webhook', async () => {
    const file = await configFile(
      'audit:\n  checkpoint:\n    every: 90s\n  checkpointSink:\n    file: ../cp.jsonl\n    webhook: https://siem.example/cp\n',
    );
    const c = await loadConfig(file, {}, '/');
    expect(c.audit).toEqual({
      checkpoint: { everyEvents: 1000, everyMs: 90_000 },
      checkpointSink: {
        file: path.join(path.dirname(path.dirname(file)), 'cp.jsonl'),
        webhook: 'https://siem.example/cp',
      },
    });
  });

  it('reads the command-target limits: a count, a size in bytes, a duration in seconds', async () => {
    const defaults = await loadConfig(await configFile(''), {}, '/');
    expect(defaults.commandTargets.limits).toEqual({
      processes: 256,
      openFiles: 1024,
      memoryBytes: 4 * 1024 ** 3,
      cpuSeconds: null,
    });
    const file = await configFile(
      'commandTargets:\n  limits:\n    processes: 20\n    openFiles: 64\n    memory: 512MiB\n    cpuTime: 10m\n',
    );
    expect((await loadConfig(file, {}, '/')).commandTargets.limits).toEqual({
      processes: 20,
      openFiles: 64,
      memoryBytes: 512 * 1024 ** 2,
      cpuSeconds: 600,
    });
    const unlimited = await configFile('commandTargets:\n  limits:\n    memory: null\n');
    expect((await loadConfig(unlimited, {}, '/')).commandTargets.limits.memoryBytes).toBeNull();
  });

  it('reads request rules: durations in ms, the pending deadline defaulting to requests.pendingTtl', async () => {
    const c = await loadConfig(
      await configFile(
        [
          'groups:',
          '  leads: [carol, dave]',
          'requests:',
          '  pendingTtl: 2h',
          '  rules:',
          '    - name: db',
          '      users: [alice]',
          '      targets: [db*]',
          '      maxDuration: 4h',
          '      modes: [shell, allowlist]',
          '      approvals: 2',
          '      approvers: ["@leads"]',
          '    - name: web',
          '      users: [alice]',
          '      targets: [web1]',
          '      maxDuration: 1h',
          '      modes: [shell]',
          '      autoApprove: true',
          '      pendingTtl: 10m',
        ].join('\n'),
      ),
      {},
      '/',
    );
    expect(
      c.requests.rules.map((r) => [r.name, r.maxDurationMs, r.pendingTtlMs, r.approvals]),
    ).toEqual([
      ['db', 4 * 3_600_000, 2 * 3_600_000, 2],
      ['web', 3_600_000, 10 * 60_000, 1],
    ]);
    expect(c.groups).toEqual({ leads: ['carol', 'dave'] });
  });

  it('recordings.store s3: the bucket, path-style endpoint, Object Lock and the strict outage', async () => {
    const c = await loadConfig(
      await configFile(
        [
          'recordings:',
          '  store: s3',
          '  s3:',
          '    bucket: gatehouse-rec',
          '    prefix: prod/recordings/',
          '    endpoint: http://127.0.0.1:9000',
          '    objectLock: { mode: compliance, days: 365 }',
          '    strictOutage: 30s',
        ].join('\n'),
      ),
      {},
      '/',
    );
    expect(c.recordings.store).toBe('s3');
    expect(c.recordings.s3).toEqual({
      bucket: 'gatehouse-rec',
      prefix: 'prod/recordings/',
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:9000',
      objectLock: { mode: 'compliance', days: 365 },
      strictOutageMs: 30_000,
    });
  });

  it('an empty file means all defaults', async () => {
    const c = await loadConfig(await configFile(''), {}, '/');
    expect(c.grants.maxDurationMs).toBe(30 * DAY);
  });

  it.each([
    ['unknown nested key', 'ssh:\n  listne: 0.0.0.0:22\n', 'config: ssh.listne: unknown key'],
    ['unknown top-level key', 'databse:\n  path: x\n', 'config: databse: unknown key'],
    [
      'wrong type',
      'ssh:\n  maxAuthTries: six\n',
      'config: ssh.maxAuthTries: expected a number, got the string "six"',
    ],
    ['section not a mapping', 'ssh: 22\n', 'config: ssh: expected a mapping, got the number 22'],
    [
      'boolean as text',
      'recordings:\n  captureInput: "yes"\n',
      'config: recordings.captureInput: expected a boolean, got the string "yes"',
    ],
    [
      'enum',
      'log:\n  level: loud\n',
      'config: log.level: must be one of fatal, error, warn, info, debug, trace, silent',
    ],
    [
      'bad duration',
      'grants:\n  maxDuration: 2x\n',
      'config: grants.maxDuration: must be a duration like 90s, 45m, 2h, 7d or 1h30m',
    ],
    [
      'zero duration',
      'grants:\n  maxDuration: 0h\n',
      'config: grants.maxDuration: "0h" is not a duration: must be more than zero',
    ],
    [
      'huge duration',
      'grants:\n  maxDuration: 99999d\n',
      'config: grants.maxDuration: "99999d" is not a duration: longer than the maximum of 10 years (3650d)',
    ],
    [
      'bad listen',
      'ssh:\n  listen: 2222\n',
      'config: ssh.listen: expected a string, got the number 2222',
    ],
    [
      'port out of range',
      'ssh:\n  listen: 0.0.0.0:70000\n',
      'config: ssh.listen: port must be 0-65535',
    ],
    ['empty path', 'database:\n  path: ""\n', 'config: database.path: must not be empty'],
    ['count too small', 'ssh:\n  maxSessions: 0\n', 'config: ssh.maxSessions: must be at least 1'],
    [
      'bad profile pattern',
      'profiles:\n  ops:\n    - "rm {x"\n',
      'config: profiles.ops: allow pattern "rm {x": a placeholder must be a whole word',
    ],
    [
      'bad profile transfer direction',
      'profiles:\n  ops:\n    allow: [uptime]\n    transfer: { direction: down }\n',
      'config: profiles.ops.transfer.direction: must be one of none, download, upload, both',
    ],
    [
      'profile transfer path not absolute',
      'profiles:\n  ops:\n    allow: [uptime]\n    transfer: { direction: download, paths: [log/*] }\n',
      'config: profiles.ops.transfer.paths.0: ',
    ],
    [
      'profile paths without a direction',
      'profiles:\n  ops:\n    allow: [uptime]\n    transfer: { direction: none, budget: 1MiB }\n',
      'config: profiles.ops.transfer: paths and budget need direction download, upload or both',
    ],
    [
      'unknown profile key',
      'profiles:\n  ops:\n    allow: [uptime]\n    upload: yes\n',
      'config: profiles.ops.upload: unknown key',
    ],
    [
      'top level list',
      '- a\n- b\n',
      'config: FILE: expected a mapping of settings (key: value) at the top level',
    ],
    [
      'duplicate key',
      'log:\n  level: info\nlog:\n  level: warn\n',
      'config: FILE: line 3: Map keys must be unique',
    ],
    ['invalid YAML', 'ssh:\n  listen: [0.0.0.0\n', 'config: FILE: line'],
    [
      'a webhook that is not http(s)',
      'audit:\n  checkpointSink:\n    webhook: ftp://siem.example/x\n',
      'config: audit.checkpointSink.webhook: must be an http:// or https:// URL',
    ],
    [
      'zero events between checkpoints',
      'audit:\n  checkpoint:\n    everyEvents: 0\n',
      'config: audit.checkpoint.everyEvents: must be at least 1',
    ],
    [
      'an s3 recording store without its bucket',
      'recordings:\n  store: s3\n',
      'config: recordings.s3: is required when store is s3',
    ],
    [
      'an s3 bucket for a local store',
      'recordings:\n  s3:\n    bucket: rec\n',
      'config: recordings.s3: is set but store is local',
    ],
    [
      'recordings larger than one upload',
      'recordings:\n  store: s3\n  maxBytesPerSession: 6GiB\n  s3:\n    bucket: rec\n',
      'config: recordings.maxBytesPerSession: must be at most 5GiB with store s3 (one upload per recording)',
    ],
    [
      'an s3 prefix that is not a folder',
      'recordings:\n  store: s3\n  s3:\n    bucket: rec\n    prefix: ../x\n',
      'config: recordings.s3.prefix: must be empty or path segments ending in /, e.g. recordings/',
    ],
    [
      'a recording limit too small for a session',
      'recordings:\n  maxBytesPerSession: 1KiB\n',
      'config: recordings.maxBytesPerSession: must be at least 64KiB',
    ],
    [
      'kept transfers with a size that is not one',
      'recordings:\n  keepTransfers:\n    maxFileBytes: 10MB\n',
      'config: recordings.keepTransfers.maxFileBytes: "10MB" is not a size: unknown unit "MB"; use B, KiB, MiB, GiB or TiB',
    ],
    [
      'kept transfers turned on with true',
      'recordings:\n  keepTransfers: true\n',
      'config: recordings.keepTransfers',
    ],
    [
      'a retention under a day',
      'recordings:\n  retention: 12h\n',
      'config: recordings.retention: must be at least 1d',
    ],
    [
      'no process limit',
      'commandTargets:\n  limits:\n    processes: 0\n',
      'config: commandTargets.limits.processes: must be at least 1',
    ],
    [
      'a size without a unit',
      'commandTargets:\n  limits:\n    memory: "2G"\n',
      'config: commandTargets.limits.memory: "2G" is not a size: unknown unit "G"; use B, KiB, MiB, GiB or TiB',
    ],
    [
      'too little memory to start a program',
      'commandTargets:\n  limits:\n    memory: 1MiB\n',
      'config: commandTargets.limits.memory: must be at least 64MiB',
    ],
    [
      'a request rule naming an undefined group',
      'requests:\n  rules:\n    - name: db\n      users: [alice]\n      targets: [db*]\n      maxDuration: 4h\n      modes: [shell]\n      approvers: ["@leads"]\n',
      'config: requests.rules.0.approvers.0: no group leads in groups',
    ],
    [
      'a request rule that needs more approvers than it names',
      'groups:\n  leads: [carol]\nrequests:\n  rules:\n    - name: db\n      users: [alice]\n      targets: [db*]\n      maxDuration: 4h\n      modes: [shell]\n      approvals: 2\n      approvers: ["@leads", carol]\n',
      'config: requests.rules.0.approvers: names 1 approver(s); the rule needs 2 distinct approvals',
    ],
    [
      'a request rule offering an unknown profile',
      'requests:\n  rules:\n    - name: db\n      users: [alice]\n      targets: [db*]\n      maxDuration: 4h\n      modes: [shell]\n      approvers: [carol]\n'.replace(
        '[shell]',
        '[shell, readonly]',
      ),
      'config: requests.rules.0.modes.1: must be shell, allowlist or a name in profiles',
    ],
    [
      'a target glob with a character no name has',
      'requests:\n  rules:\n    - name: db\n      users: [alice]\n      targets: [db*]\n      maxDuration: 4h\n      modes: [shell]\n      approvers: [carol]\n'.replace(
        '[db*]',
        '[DB/*]',
      ),
      'config: requests.rules.0.targets.0: must be a target name or a glob with * and ?, e.g. db*',
    ],
    [
      'too few open files',
      'commandTargets:\n  limits:\n    openFiles: 3\n',
      'config: commandTargets.limits.openFiles: must be at least 16',
    ],
  ])('refuses %s with one line naming the path', async (_what, text, expected) => {
    expect(await loadError(text)).toContain(expected);
  });

  it('refuses an explicit or $GATEHOUSE_CONFIG path that does not exist', async () => {
    const dir = await tempDir();
    const missing = path.join(dir, 'nope.yaml');
    await expect(loadConfig(missing, {}, '/')).rejects.toThrow(
      `config: ${missing}: no such file (from --config)`,
    );
    await expect(loadConfig(undefined, { GATEHOUSE_CONFIG: missing }, '/')).rejects.toThrow(
      `config: ${missing}: no such file (from $GATEHOUSE_CONFIG)`,
    );
    await mkdir(path.join(dir, 'folder.yaml'));
    await expect(loadConfig(path.join(dir, 'folder.yaml'), {}, '/')).rejects.toThrow('is a folder');
  });
});
