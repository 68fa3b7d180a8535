import { chmod, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sqlite3 from 'sqlite3';
import { describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../../src/store/migrations.js';
import { isOneLineError } from './cli-harness.js';
import { fingerprintOf, healthySetup, lineOf, lines } from './doctor-harness.js';

const SPACE = /^PASS recordings space: .+: \d+\.\d GiB free \(\d+\.\d% of \d+\.\d GiB\)$/;

function sqlRun(dbPath: string, sql: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(dbPath, (openErr) => {
      if (openErr) return reject(openErr);
      db.run(sql, (err: Error | null) => db.close(() => (err ? reject(err) : resolve())));
    });
  });
}

describe('gatehouse doctor: the bastion host itself', () => {
  it('passes every check on a healthy install, one line per check, exit 0', async () => {
    const s = await healthySetup();
    const r = await s.cli.run('doctor');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = lines(r.stdout);
    expect(out).toHaveLength(11);
    expect(out.slice(0, 9)).toEqual([
      `PASS config: ${s.cli.configPath}`,
      `PASS host key: ${s.hostKeyPath} (ssh-ed25519 ${fingerprintOf(s.hostKeyLine)}, mode 0600)`,
      `PASS client key: ${s.clientKeyPath} (ssh-ed25519 ${fingerprintOf(s.clientKeyLine)}, mode 0600)`,
      `PASS database: SQLite ${s.cli.dbPath} opens`,
      `PASS schema: version ${SCHEMA_VERSION} (current)`,
      'PASS integrity: PRAGMA integrity_check: ok',
      'PASS audit chain: 0 events verified',
      'PASS audit checkpoints: no events yet',
      `PASS recordings: ${s.recordingsDir} is writable`,
    ]);
    expect(out[9]).toMatch(SPACE);
    expect(out[10]).toBe('PASS targets: none registered');
  });

  it('a missing key is a FAIL line saying how to generate it; the rest still runs; exit 1', async () => {
    const s = await healthySetup();
    await rm(s.hostKeyPath);
    await rm(s.clientKeyPath);
    const r = await s.cli.run('doctor');
    expect(r.code).toBe(1);
    expect(lineOf(r.stdout, 'host key')).toBe(
      `FAIL host key: ${s.hostKeyPath}: no such file; run gatehouse serve once to generate it`,
    );
    expect(lineOf(r.stdout, 'client key')).toBe(
      `FAIL client key: ${s.clientKeyPath}: no such file; run gatehouse serve once or gatehouse keys to generate it`,
    );
    expect(lineOf(r.stdout, 'audit chain')).toBe('PASS audit chain: 0 events verified');
    expect(r.stderr).toBe('gatehouse: doctor: 2 checks failed\n');
    expect(isOneLineError(r)).toBe(true);
  });

  it('a key readable by others (0644) fails with the chmod that fixes it; 0400 passes', async () => {
    const s = await healthySetup();
    await chmod(s.clientKeyPath, 0o644);
    const r = await s.cli.run('doctor');
    expect(r.code).toBe(1);
    expect(lineOf(r.stdout, 'client key')).toBe(
      `FAIL client key: ${s.clientKeyPath}: mode 0644 lets other users read it; run chmod 600 ${s.clientKeyPath}`,
    );
    expect(r.stderr).toBe('gatehouse: doctor: 1 check failed\n');
    await chmod(s.clientKeyPath, 0o400);
    const fixed = await s.cli.run('doctor');
    expect(lineOf(fixed.stdout, 'client key')).toBe(
      `PASS client key: ${s.clientKeyPath} (ssh-ed25519 ${fingerprintOf(s.clientKeyLine)}, mode 0400)`,
    );
    expect(fixed.code).toBe(0);
  });

  it('a key file that is not a private key fails', async () => {
    const s = await healthySetup();
    await writeFile(s.hostKeyPath, `${s.hostKeyLine}\n`, { mode: 0o600 });
    const r = await s.cli.run('doctor');
    expect(r.code).toBe(1);
    expect(lineOf(r.stdout, 'host key')).toBe(
      `FAIL host key: ${s.hostKeyPath}: not an unencrypted OpenSSH private key; move it away and run gatehouse serve once to generate a new one`,
    );
  });

  it('a config error is a FAIL line, not a crash, and nothing else is checked', async () => {
    const s = await healthySetup();
    await writeFile(s.cli.configPath, 'ssh:\n  listne: 0.0.0.0:2222\n');
    const r = await s.cli.run('doctor');
    expect(r).toEqual({
      code: 1,
      stdout: 'FAIL config: ssh.listne: unknown key; fix the file and run gatehouse doctor again\n',
      stderr: 'gatehouse: doctor: 1 check failed\n',
    });
    const missing = await s.cli.run('--config', path.join(s.cli.dir, 'nope.yaml'), 'doctor');
    expect(missing.stdout).toBe(
      `FAIL config: ${path.join(s.cli.dir, 'nope.yaml')}: no such file (from --config); fix the file and run gatehouse doctor again\n`,
    );
    expect(missing.code).toBe(1);
  });

  it('a missing database is one FAIL line and is not created by doctor', async () => {
    const s = await healthySetup();
    await rm(s.cli.dbPath);
    await rm(`${s.cli.dbPath}-wal`, { force: true });
    await rm(`${s.cli.dbPath}-shm`, { force: true });
    const r = await s.cli.run('doctor');
    expect(r.code).toBe(1);
    expect(lineOf(r.stdout, 'database')).toBe(
      `FAIL database: ${s.cli.dbPath}: no such file; run gatehouse serve once (or any gatehouse command) to create it`,
    );
    for (const check of ['schema', 'integrity', 'audit chain', 'targets'])
      expect(lineOf(r.stdout, check)).toBeUndefined();
    await expect(stat(s.cli.dbPath)).rejects.toThrow(/ENOENT/);
  });

  it('a tampered audit event fails the chain at its seq', async () => {
    const s = await healthySetup();
    expect(
      (
        await s.cli.run(
          'target',
          'add',
          'db1',
          '--host',
          '127.0.0.1',
          '--port',
          '22',
          '--login',
          'ops',
        )
      ).code,
    ).toBe(0);
    expect(
      (
        await s.cli.run(
          'target',
          'add',
          'db2',
          '--host',
          '127.0.0.1',
          '--port',
          '22',
          '--login',
          'ops',
        )
      ).code,
    ).toBe(0);
    await sqlRun(s.cli.dbPath, "UPDATE audit_events SET actor = 'mallory' WHERE seq = 2");
    const r = await s.cli.run('doctor', '--local');
    expect(r.code).toBe(1);
    expect(lineOf(r.stdout, 'audit chain')).toBe(
      'FAIL audit chain: broken at seq 2: hash does not match the event; the database was changed outside gatehouse: investigate and restore from a backup',
    );
    expect(lineOf(r.stdout, 'integrity')).toBe('PASS integrity: PRAGMA integrity_check: ok');
  });

  it('a database from an older gatehouse is reported, not migrated', async () => {
    const s = await healthySetup();
    await sqlRun(s.cli.dbPath, `PRAGMA user_version = ${SCHEMA_VERSION - 1}`);
    const r = await s.cli.run('doctor');
    expect(r.code).toBe(1);
    expect(lineOf(r.stdout, 'schema')).toBe(
      `FAIL schema: version ${SCHEMA_VERSION - 1}, this gatehouse expects ${SCHEMA_VERSION}; back it up, then start gatehouse serve (or run any gatehouse command) to migrate it`,
    );
    expect(lineOf(r.stdout, 'audit chain')).toBeUndefined();
  });

  it('a missing recordings folder fails with the mkdir that fixes it; no space line', async () => {
    const s = await healthySetup();
    await rm(s.recordingsDir, { recursive: true });
    const r = await s.cli.run('doctor');
    expect(r.code).toBe(1);
    expect(lineOf(r.stdout, 'recordings')).toBe(
      `FAIL recordings: ${s.recordingsDir}: no such folder; create it (mkdir -p ${s.recordingsDir}) owned by the user gatehouse runs as`,
    );
    expect(lineOf(r.stdout, 'recordings space')).toBeUndefined();
  });

  it('--json prints one array of {check, ok, detail}; --local leaves the targets out', async () => {
    const s = await healthySetup();
    expect(
      (
        await s.cli.run(
          'target',
          'add',
          'far',
          '--host',
          '127.0.0.1',
          '--port',
          '1',
          '--login',
          'ops',
        )
      ).code,
    ).toBe(0);
    await chmod(s.hostKeyPath, 0o640);
    const r = await s.cli.run('--json', 'doctor', '--local');
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as { check: string; ok: boolean; detail: string }[];
    expect(doc.map((c) => c.check)).toEqual([
      'config',
      'host key',
      'client key',
      'database',
      'schema',
      'integrity',
      'audit chain',
      'audit checkpoints',
      'recordings',
      'recordings space',
    ]);
    expect(doc.every((c) => Object.keys(c).join() === 'check,ok,detail')).toBe(true);
    expect(doc.filter((c) => !c.ok)).toEqual([
      {
        check: 'host key',
        ok: false,
        detail: `${s.hostKeyPath}: mode 0640 lets other users read it; run chmod 600 ${s.hostKeyPath}`,
      },
    ]);
  });

  it('the real binary exits 1 on a failed check and 0 when all pass', async () => {
    const s = await healthySetup();
    expect(await s.cli.spawn('doctor')).toMatchObject({ code: 0, stderr: '' });
    await chmod(s.hostKeyPath, 0o644);
    const r = await s.cli.spawn('doctor');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`FAIL host key: ${s.hostKeyPath}: mode 0644`);
  });
});
