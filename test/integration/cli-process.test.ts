import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { makeUserKey } from '../helpers/keys.js';
import { tempDir } from '../helpers/tmp.js';
import { BIN, isOneLineError, makeCli } from './cli-harness.js';

const run = promisify(execFile);

describe('bin/gatehouse.js as a process', () => {
  it('exit codes 0/1/2, a bare id, one JSON document, one-line errors', async () => {
    const cli = await makeCli();
    const key = await makeUserKey(cli.dir, 'alice');
    const add = await cli.spawn('user', 'add', 'alice', '--key-file', `${key.privatePath}.pub`);
    expect(add).toEqual({ code: 0, stdout: '1\n', stderr: '' });

    const list = await cli.spawn('user', 'list', '--json');
    expect(list.code).toBe(0);
    const users = JSON.parse(list.stdout) as { name: string; createdAt: string }[];
    expect(users.map((u) => u.name)).toEqual(['alice']);
    expect(new Date(users[0]!.createdAt).toISOString()).toBe(users[0]!.createdAt);

    const usage = await cli.spawn('user', 'add', 'Alice', '--key', key.publicLine);
    expect(usage.code).toBe(2);
    expect(isOneLineError(usage)).toBe(true);
    expect(usage.stdout).toBe('');

    const unknownOption = await cli.spawn('user', 'list', '--colour');
    expect(unknownOption.code).toBe(2);
    expect(unknownOption.stderr).toBe("gatehouse: user list: unknown option '--colour'\n");

    const refused = await cli.spawn('user', 'disable', 'bob');
    expect(refused).toEqual({
      code: 1,
      stdout: '',
      stderr: 'gatehouse: user: no user named bob\n',
    });

    const help = await cli.spawn('user', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: gatehouse user');
  });

  it('20 processes adding users at once all succeed; no SQLITE_BUSY reaches anyone', async () => {
    const cli = await makeCli();
    const keys = await Promise.all(
      Array.from({ length: 20 }, (_, i) => makeUserKey(cli.dir, `u${i}`)),
    );
    const results = await Promise.all(
      keys.map((k, i) => cli.spawn('user', 'add', `user${i}`, '--key', k.publicLine)),
    );
    for (const r of results) {
      expect(r.stderr).not.toContain('SQLITE_BUSY');
      expect(r).toMatchObject({ code: 0, stderr: '' });
      expect(r.stdout).toMatch(/^\d+\n$/);
    }
    expect(new Set(results.map((r) => r.stdout)).size).toBe(20);
    const users = await cli.json<{ name: string }[]>('user', 'list');
    expect(users).toHaveLength(20);
    expect(await cli.spawn('audit', 'verify')).toEqual({
      code: 0,
      stdout:
        'ok 20 events; no signed checkpoint yet (gatehouse serve writes them), so a cut tail or a re-hashed chain would not show\n',
      stderr: '',
    });
  }, 180_000); // 20 Node processes start in parallel: CPU-bound on small CI machines

  it('a corrupt database file: one line, exit 1, the file is left as it was', async () => {
    const cli = await makeCli();
    await mkdir(path.dirname(cli.dbPath), { recursive: true });
    const garbage = Buffer.alloc(8192, 'not a database, just bytes ');
    await writeFile(cli.dbPath, garbage);
    for (const args of [
      ['user', 'list'],
      ['user', 'add', 'alice', '--key', (await makeUserKey(cli.dir, 'a')).publicLine],
      ['audit', 'verify'],
    ]) {
      const r = await cli.spawn(...args);
      expect(r.code).toBe(1);
      expect(isOneLineError(r)).toBe(true);
      expect(r.stderr).toContain(`gatehouse: database: ${cli.dbPath}: `);
      expect(r.stdout).toBe('');
    }
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    expect(sha(await readFile(cli.dbPath))).toBe(sha(garbage));
  });

  it('a config error stops every command with one line, exit 1', async () => {
    const dir = await tempDir();
    const cfg = path.join(dir, 'g.yaml');
    await writeFile(cfg, 'ssh:\n  listne: 0.0.0.0:22\n');
    const r = await run(process.execPath, [BIN, '--config', cfg, 'user', 'list']).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
    );
    expect(r).toEqual({ code: 1, stderr: 'gatehouse: config: ssh.listne: unknown key\n' });
  });

  it('no config file: one line naming it and how to name one, exit 1, nothing created', async () => {
    const dir = await tempDir();
    const env = { ...process.env };
    delete env['GATEHOUSE_CONFIG'];
    const r = await run(process.execPath, [BIN, 'user', 'list'], { cwd: dir, env }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
    );
    expect(r).toEqual({
      code: 1,
      stderr: `gatehouse: config: ${path.join(dir, 'config', 'gatehouse.yaml')}: no such file; name the config file with --config FILE or $GATEHOUSE_CONFIG\n`,
    });
    expect(await readdir(dir)).toEqual([]);
  });
});

/**
 * Tests run as root, so file modes do not make a database read-only. A read-only tmpfs mount
 * does, honestly, for root too. Skipped when this machine does not allow mounting.
 */
async function canMount(): Promise<boolean> {
  const probe = await tempDir('gatehouse-mount-');
  try {
    await run('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', probe]);
    await run('umount', [probe]);
    return true;
  } catch {
    return false;
  }
}
const mountable = await canMount();

describe.skipIf(!mountable)('a read-only database (tmpfs remounted read-only)', () => {
  const mounts: string[] = [];
  afterAll(async () => {
    for (const m of mounts) await run('umount', [m]).catch(() => undefined);
  });

  it('writes fail in one line with exit 1 and change nothing', async () => {
    const dir = await tempDir('gatehouse-ro-');
    await run('mount', ['-t', 'tmpfs', '-o', 'size=16m,mode=0700', 'tmpfs', dir]);
    mounts.push(dir);
    const cfg = path.join(dir, 'g.yaml');
    await writeFile(cfg, 'database:\n  path: data/gatehouse.db\n');
    const gh = (...args: string[]) =>
      run(process.execPath, [BIN, '--config', cfg, ...args]).then(
        (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
        (e: { code: number; stdout: string; stderr: string }) => ({
          code: e.code,
          stdout: e.stdout,
          stderr: e.stderr,
        }),
      );
    const keyDir = await tempDir();
    const a = await makeUserKey(keyDir, 'alice');
    const b = await makeUserKey(keyDir, 'bob');
    expect((await gh('user', 'add', 'alice', '--key', a.publicLine)).code).toBe(0);
    const before = await readFile(path.join(dir, 'data', 'gatehouse.db'));

    await run('mount', ['-o', 'remount,ro', dir]);
    const r = await gh('user', 'add', 'bob', '--key', b.publicLine);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^gatehouse: database: .*gatehouse\.db: read-only\n$/);
    expect(isOneLineError(r)).toBe(true);

    await run('mount', ['-o', 'remount,rw', dir]);
    expect((await readFile(path.join(dir, 'data', 'gatehouse.db'))).equals(before)).toBe(true);
    const users = JSON.parse((await gh('user', 'list', '--json')).stdout) as { name: string }[];
    expect(users.map((u) => u.name)).toEqual(['alice']);
  });
});
