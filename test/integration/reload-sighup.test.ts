/**
 * SIGHUP to a real `gatehouse serve`: the config file is read again; the log level and the ssh
 * limits take effect for new connections, keys that need a restart are named and left alone, and
 * a broken file is refused while the bastion keeps serving (issue 7).
 */
import { writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSsh, type SshLogin } from '../helpers/ssh-client.js';
import { startSshd, type SshdTarget } from '../helpers/sshd.js';
import { tempDir } from '../helpers/tmp.js';
import {
  seedServeDir,
  serveConfigText,
  startServe,
  type ServeChild,
} from './metrics-serve-harness.js';

let sshd: SshdTarget;
let serve: ServeChild;
let configPath: string;
let alice: SshLogin;

/** How long the bastion keeps a TCP connection that never says anything (capped at `capMs`). */
function silentConnectionLifetime(port: number, capMs: number): Promise<number> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.resume(); // read (and drop) the server's version line, so its close is seen
    const cap = setTimeout(() => {
      socket.destroy();
      resolve(capMs);
    }, capMs);
    socket.once('close', () => {
      clearTimeout(cap);
      resolve(Date.now() - started);
    });
  });
}

async function hangUp(config: Parameters<typeof serveConfigText>[0]): Promise<number> {
  await writeFile(configPath, serveConfigText(config));
  const before = serve.logs().length;
  serve.signal('SIGHUP');
  return before;
}

const echoWorks = async (): Promise<void> => {
  const r = await runSsh({ ...alice, port: serve.sshPort }, { command: ['echo', 'still-serving'] });
  expect(r.stdout.toString('utf8')).toContain('still-serving');
  expect(r.code).toBe(0);
};

beforeAll(async () => {
  sshd = await startSshd();
  const dir = await tempDir('gatehouse-reload-');
  const seeded = await seedServeDir(dir, sshd, { level: 'info', loginGraceTime: '60s' });
  configPath = seeded.configPath;
  alice = seeded.alice;
  serve = await startServe(configPath);
});

afterAll(async () => {
  await serve?.stop();
  await sshd?.stop();
});

describe('SIGHUP', () => {
  it('applies a new log level and login grace time without a restart', async () => {
    // Before: a silent client may stay 60 s; no debug lines.
    expect(await silentConnectionLifetime(serve.sshPort, 2500)).toBe(2500);
    await echoWorks();
    expect(serve.logs().some((l) => l['level'] === 20)).toBe(false);

    const from = await hangUp({ level: 'debug', loginGraceTime: '1s' });
    const reloaded = await serve.waitForLog((l) => l['msg'] === 'config reloaded', from);
    expect(reloaded['applied']).toEqual(['log.level', 'ssh.loginGraceTime']);
    expect(reloaded['level']).toBe(30);

    const lifetime = await silentConnectionLifetime(serve.sshPort, 5000);
    expect(lifetime).toBeGreaterThanOrEqual(900);
    expect(lifetime).toBeLessThan(2500);
    await echoWorks();
    await serve.waitForLog((l) => l['level'] === 20, from);
    expect(serve.alive()).toBe(true);
  });

  it('names the changes that need a restart and keeps the old values', async () => {
    const from = await hangUp({
      level: 'debug',
      loginGraceTime: '1s',
      databasePath: 'elsewhere/other.db',
    });
    const warned = await serve.waitForLog(
      (l) => l['msg'] === 'config changes that need a restart were not applied',
      from,
    );
    expect(warned['needRestart']).toEqual(['database.path']);
    expect(warned['level']).toBe(40);
    await echoWorks(); // still the old database: alice's grant is there
  });

  it('refuses a config file that does not load and keeps running with the old one', async () => {
    const from = await hangUp({
      level: 'debug',
      loginGraceTime: '1s',
      extra: 'ssh:\n  listne: 1\n',
    });
    const refused = await serve.waitForLog(
      (l) => l['msg'] === 'config reload refused; keeping the running config',
      from,
    );
    expect(String(refused['problem'])).toMatch(/^config: /);
    expect(refused['level']).toBe(50);
    expect(serve.alive()).toBe(true);
    await echoWorks();
    // The old settings still hold: the 1 s grace time from the first reload.
    expect(await silentConnectionLifetime(serve.sshPort, 5000)).toBeLessThan(2500);
  });

  it('takes new alert rules for new sessions, and refuses a catastrophic pattern naming its rule', async () => {
    const rule = (match: string): string =>
      `alerts:\n  - { name: hup, match: "${match}", on: output, action: end }\n`;
    let from = await hangUp({ level: 'debug', loginGraceTime: '1s', extra: rule('still-*ing') });
    const reloaded = await serve.waitForLog((l) => l['msg'] === 'config reloaded', from);
    expect(reloaded['applied']).toEqual(['alerts']);
    const ended = async (): Promise<void> => {
      const r = await runSsh(
        { ...alice, port: serve.sshPort },
        { command: ['echo still-serving'] },
      );
      expect(r.stderr).toContain('gatehouse: session closed by alert rule hup; reported');
      expect(r.code).toBe(255);
    };
    await ended();

    from = await hangUp({ level: 'debug', loginGraceTime: '1s', extra: rule('(a+)+$') });
    const refused = await serve.waitForLog(
      (l) => l['msg'] === 'config reload refused; keeping the running config',
      from,
    );
    expect(String(refused['problem'])).toContain('alert rule "hup": match "(a+)+$" uses "("');
    expect(serve.alive()).toBe(true);
    await ended(); // the rule loaded before still holds
  });

  it('still stops cleanly on SIGTERM', async () => {
    expect(await serve.stop()).toBe(0);
  });
});
