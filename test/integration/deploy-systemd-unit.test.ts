import { execFile } from 'node:child_process';
import { access, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { tempDir } from '../helpers/tmp.js';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');
const UNIT = path.join(ROOT, 'config/gatehouse.service');

/** section → key → values (a key may repeat). */
function parseUnit(text: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>();
  let current: Map<string, string[]> | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const section = /^\[(.+)\]$/.exec(line);
    if (section) {
      current = new Map();
      sections.set(section[1] ?? '', current);
      continue;
    }
    const eq = line.indexOf('=');
    if (current === undefined || eq < 0) throw new Error(`bad unit line: ${line}`);
    const key = line.slice(0, eq);
    current.set(key, [...(current.get(key) ?? []), line.slice(eq + 1)]);
  }
  return sections;
}

const systemdAnalyze = async (): Promise<string | null> => {
  for (const p of ['/usr/bin/systemd-analyze', '/bin/systemd-analyze']) {
    if (
      await access(p).then(
        () => true,
        () => false,
      )
    )
      return p;
  }
  return null;
};

describe('config/gatehouse.service', () => {
  it('runs unprivileged and hardened, drains on SIGTERM, reloads on SIGHUP', async () => {
    const unit = parseUnit(await readFile(UNIT, 'utf8'));
    const service = unit.get('Service');
    expect(service).toBeDefined();
    const one = (key: string): string | undefined => service?.get(key)?.at(-1);
    expect({
      User: one('User'),
      NoNewPrivileges: one('NoNewPrivileges'),
      ProtectSystem: one('ProtectSystem'),
      ProtectHome: one('ProtectHome'),
      PrivateTmp: one('PrivateTmp'),
      CapabilityBoundingSet: one('CapabilityBoundingSet'),
      AmbientCapabilities: one('AmbientCapabilities'),
      Restart: one('Restart'),
      KillSignal: one('KillSignal'),
      ExecReload: one('ExecReload'),
      ReadWritePaths: one('ReadWritePaths'),
    }).toEqual({
      User: 'gatehouse',
      NoNewPrivileges: 'yes',
      ProtectSystem: 'strict',
      ProtectHome: 'yes',
      PrivateTmp: 'yes',
      // Exactly what switching to a command target's run-as account needs (setpriv).
      CapabilityBoundingSet: 'CAP_SETUID CAP_SETGID',
      AmbientCapabilities: 'CAP_SETUID CAP_SETGID',
      Restart: 'on-failure',
      KillSignal: 'SIGTERM',
      ExecReload: '/bin/kill -HUP $MAINPID',
      ReadWritePaths: '/var/lib/gatehouse',
    });
    expect(one('MemoryDenyWriteExecute')).toBeUndefined(); // V8 needs W+X pages
    // The run-as account's program creates a user + PID namespace: those two kinds are allowed,
    // nothing more (@system-service has unshare(2) already).
    expect(one('RestrictNamespaces')).toBe('user pid');
    expect(service?.get('SystemCallFilter')).toEqual(['@system-service']);
    expect(one('ExecStart')).toBe(
      '/usr/bin/node /opt/gatehouse/bin/gatehouse.js --config /etc/gatehouse/gatehouse.yaml serve',
    );
    expect(unit.get('Install')?.get('WantedBy')).toEqual(['multi-user.target']);

    // The stop timeout outlasts the drain of the config the unit points at (config/docker.yaml's
    // paths are the unit's paths too).
    const stopSec = Number(/^(\d+)s$/.exec(one('TimeoutStopSec') ?? '')?.[1]);
    const config = await loadConfig(path.join(ROOT, 'config/docker.yaml'), {}, ROOT);
    expect(stopSec * 1000).toBeGreaterThan(config.ssh.drainTimeoutMs + 5_000);
    for (const p of [config.database.path, config.recordings.dir, config.ssh.hostKeyPath]) {
      expect(p.startsWith(`${one('ReadWritePaths') ?? '?'}/`)).toBe(true);
    }
  });

  it('passes systemd-analyze verify (when systemd is installed)', async (t) => {
    const analyze = await systemdAnalyze();
    if (analyze === null) return t.skip();
    // verify checks that ExecStart's program exists: point it at this machine's node.
    const dir = await tempDir('gatehouse-unit-');
    const copy = path.join(dir, 'gatehouse.service');
    await writeFile(
      copy,
      (await readFile(UNIT, 'utf8')).replace('/usr/bin/node ', `${process.execPath} `),
    );
    const r = await run(analyze, ['verify', copy]).then(
      (ok) => ({ code: 0, stderr: ok.stderr }),
      (e: { code?: number; stderr?: string }) => ({ code: e.code ?? -1, stderr: e.stderr ?? '' }),
    );
    expect(r.stderr.split('\n').filter((l) => l.includes('gatehouse.service'))).toEqual([]);
    expect(r.code).toBe(0);

    // The exposure score systemd computes from the hardening settings (systemd >= 252): 1.7
    // before command targets were confined; their user and pid namespaces and CAP_SETUID/
    // CAP_SETGID (ambient) add 0.8, PrivateMounts and RemoveIPC take 0.3 back.
    const security = await run(analyze, ['security', '--offline=true', copy]).then(
      (ok) => ok.stdout,
      () => '',
    );
    const score = /Overall exposure level for gatehouse\.service: (\d+\.\d)/.exec(security)?.[1];
    if (score !== undefined) expect(Number(score)).toBeLessThanOrEqual(2.2);
  });
  it('sets the malloc tunables the Dockerfile sets, and glibc takes each of them', async (t) => {
    const unit = parseUnit(await readFile(UNIT, 'utf8'));
    const tunables = (unit.get('Service')?.get('Environment') ?? [])
      .flatMap((line) => line.split(' '))
      .find((pair) => pair.startsWith('GLIBC_TUNABLES='))
      ?.slice('GLIBC_TUNABLES='.length);
    expect(tunables).toBe('glibc.malloc.trim_threshold=67108864:glibc.malloc.top_pad=16777216');
    const dockerfile = await readFile(path.join(ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain(`GLIBC_TUNABLES=${tunables}`);
    const loaders = ['/lib64/ld-linux-x86-64.so.2', '/lib/ld-linux-aarch64.so.1'];
    const loader = (
      await Promise.all(
        loaders.map((l) =>
          access(l).then(
            () => l,
            () => null,
          ),
        ),
      )
    ).find((l) => l !== null);
    if (loader === undefined) return t.skip();
    const { stdout } = await run(loader, ['--list-tunables'], {
      env: { GLIBC_TUNABLES: tunables },
    });
    expect(stdout).toMatch(/^glibc\.malloc\.trim_threshold: 0x4000000 /m);
    expect(stdout).toMatch(/^glibc\.malloc\.top_pad: 0x1000000 /m);
  });
});
