/**
 * `gatehouse reviewer disable | enable | reset-password | remove` as an admin types them: the CLI
 * contract (exit codes, one-line errors, a refusal changes nothing) and `--password-stdin` piped
 * into the real bin/gatehouse.js. The effect on the review page is web-reviewer-accounts.test.ts.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { verifyPassword } from '../../src/web/password.js';
import { BIN, expectRefusal, makeCli, type Cli, type Run } from './cli-harness.js';

let cli: Cli;

beforeAll(async () => {
  cli = await makeCli();
  expect((await cli.run('reviewer', 'add', 'vera')).code).toBe(0);
});

/** bin/gatehouse.js with `input` piped on stdin. */
async function piped(input: string, ...args: string[]): Promise<Run> {
  const child = spawn(process.execPath, [BIN, '--config', cli.configPath, ...args]);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  child.stdin.end(input);
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code: code ?? -1, stdout, stderr };
}

async function storedHash(name: string): Promise<string | null> {
  const store = await openStore(cli.dbPath);
  try {
    return (await store.reviewers.findByName(name))?.passwordHash ?? null;
  } finally {
    await store.close();
  }
}

describe('gatehouse reviewer account commands (CLI contract)', () => {
  it('reset-password --password-stdin sets the piped password and prints no password', async () => {
    const r = await piped(
      'a long enough passphrase\n',
      'reviewer',
      'reset-password',
      'vera',
      '--password-stdin',
    );
    expect(r).toEqual({
      code: 0,
      stdout: 'vera: password reset (0 web sessions ended)\n',
      stderr: '',
    });
    expect(await verifyPassword('a long enough passphrase', (await storedHash('vera'))!)).toBe(
      true,
    );
  });

  it('refuses a weak piped password with exit 2, changing nothing', async () => {
    const before = await storedHash('vera');
    const count = await cli.auditCount();
    const r = await piped('short\n', 'reviewer', 'reset-password', 'vera', '--password-stdin');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^gatehouse: --password-stdin: [^\n]+\n$/);
    expect(r.stdout).toBe('');
    expect(await storedHash('vera')).toBe(before);
    expect(await cli.auditCount()).toBe(count);
  });

  it('an unknown account is exit 1, a missing or malformed name exit 2; one line each', async () => {
    for (const command of ['disable', 'enable', 'reset-password', 'remove']) {
      await expectRefusal(
        cli,
        () => cli.run('reviewer', command, 'ghost'),
        1,
        'reviewer: no reviewer named "ghost"',
      );
      await expectRefusal(cli, () => cli.run('reviewer', command, 'Vera'), 2, 'reviewer name');
      const missing = await cli.run('reviewer', command);
      expect(missing.code).toBe(2);
    }
  });

  it('--json prints one document per command', async () => {
    expect(await cli.json('reviewer', 'disable', 'vera')).toEqual({
      reviewer: 'vera',
      changed: true,
      sessionsEnded: 0,
    });
    expect(await cli.json('reviewer', 'disable', 'vera')).toMatchObject({ changed: false });
    expect(await cli.json('reviewer', 'enable', 'vera')).toMatchObject({ changed: true });
    const reset = await cli.json<{ password: string }>('reviewer', 'reset-password', 'vera');
    expect(await verifyPassword(reset.password, (await storedHash('vera'))!)).toBe(true);
    expect(await cli.json('reviewer', 'remove', 'vera')).toEqual({
      reviewer: 'vera',
      changed: true,
      sessionsEnded: 0,
    });
    expect(await storedHash('vera')).toBeNull();
  });
});
