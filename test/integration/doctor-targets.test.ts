import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { makeUserKey } from '../helpers/keys.js';
import { freePort as closedPort, startSshd, type SshdTarget } from '../helpers/sshd.js';
import { fingerprintOf, healthySetup, lineOf, lines, type DoctorSetup } from './doctor-harness.js';

describe('gatehouse doctor: every target reachable with its pinned host key', () => {
  let sshd: SshdTarget;
  let s: DoctorSetup;

  beforeAll(async () => {
    sshd = await startSshd();
    s = await healthySetup();
  });
  afterAll(async () => {
    await sshd?.stop();
  });

  const addTarget = async (name: string, port: number, hostKey?: string): Promise<void> => {
    const args = [
      'target',
      'add',
      name,
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--login',
      'ops',
    ];
    const r = await s.cli.run(...args, ...(hostKey === undefined ? [] : ['--host-key', hostKey]));
    if (r.code !== 0) throw new Error(r.stderr);
  };

  it('passes a reachable target serving its pinned key: exit 0', async () => {
    await addTarget('db1', sshd.port, sshd.hostKeyLine);
    const r = await s.cli.run('doctor');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(lines(r.stdout).at(-1)).toBe(
      `PASS target db1: 127.0.0.1:${sshd.port} reachable, host key ${fingerprintOf(sshd.hostKeyLine)} matches the pin`,
    );
    expect(lineOf(r.stdout, 'targets')).toBeUndefined();
  });

  it('fails an unreachable target (closed port), an unpinned one, and a changed host key', async () => {
    const port = await closedPort();
    await addTarget('down', port, sshd.hostKeyLine);
    await addTarget('fresh', sshd.port);
    await addTarget('moved', sshd.port, sshd.hostKeyLine);
    // Someone pins another key by hand: the target now serves a key that differs from the pin.
    const other = await makeUserKey(s.cli.dir, 'other-host');
    const otherLine = other.publicLine.split(' ').slice(0, 2).join(' ');
    const store = await openStore(s.cli.dbPath);
    try {
      await store.targets.pinHostKey('moved', otherLine, 'test');
    } finally {
      await store.close();
    }
    const served = fingerprintOf(sshd.hostKeyLine);

    const r = await s.cli.run('doctor');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('gatehouse: doctor: 3 checks failed\n');
    const targetLines = lines(r.stdout).filter((l) => / target /.test(l));
    expect(targetLines).toEqual([
      `PASS target db1: 127.0.0.1:${sshd.port} reachable, host key ${served} matches the pin`,
      `FAIL target down: 127.0.0.1:${port}: unreachable: cannot get the host key of 127.0.0.1:${port}: ECONNREFUSED`,
      `FAIL target fresh: 127.0.0.1:${sshd.port}: not pinned (it serves ${served}); check the key, then gatehouse target scan fresh --pin`,
      `FAIL target moved: 127.0.0.1:${sshd.port}: host key mismatch: pinned ${other.fingerprint}, served ${served}; find out why it changed, then gatehouse target scan moved --pin --replace`,
    ]);

    const json = await s.cli.run('--json', 'doctor');
    const doc = JSON.parse(json.stdout) as { check: string; ok: boolean; detail: string }[];
    expect(doc.filter((c) => c.check.startsWith('target ')).map((c) => [c.check, c.ok])).toEqual([
      ['target db1', true],
      ['target down', false],
      ['target fresh', false],
      ['target moved', false],
    ]);

    // --local: the bastion itself is healthy, whatever the targets do.
    const local = await s.cli.run('doctor', '--local');
    expect(local.code).toBe(0);
    expect(local.stdout).not.toMatch(/target/);
  });
});
