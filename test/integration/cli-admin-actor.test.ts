/**
 * Every admin runs `sudo -u gatehouse gatehouse …`: the audit trail names the person sudo reports
 * and the OS account, and keeps a claimed --actor apart from both.
 */
import { userInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { isOneLineError, makeCli, type Run } from './cli-harness.js';

const account = userInfo().username;

async function gatehouse(env: NodeJS.ProcessEnv, ...args: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await main(
    args,
    { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) },
    { env },
  );
  return { code, stdout, stderr };
}

describe('the admin in the audit trail', () => {
  it('names the sudo user and the OS account, and a claimed --actor apart from them', async () => {
    const cli = await makeCli();
    const env = { ...process.env };
    delete env['SUDO_USER'];
    const cfg = ['--config', cli.configPath];
    const asAlice = { ...env, SUDO_USER: 'alice' };
    expect((await gatehouse(asAlice, ...cfg, 'reviewer', 'add', 'vera')).code).toBe(0);
    expect(
      (await gatehouse(asAlice, ...cfg, '--actor', 'bob', 'reviewer', 'add', 'walt')).code,
    ).toBe(0);
    expect((await gatehouse(env, ...cfg, 'reviewer', 'add', 'xena')).code).toBe(0);

    const events = await cli.json<{ actor: string; payload: { reviewer: string } }[]>(
      'audit',
      'list',
      '--type',
      'reviewer.create',
    );
    expect(events.map((e) => [e.payload.reviewer, e.actor])).toEqual([
      ['vera', `os:alice via sudo as ${account}`],
      ['walt', `claimed:bob by os:alice via sudo as ${account}`],
      ['xena', `os:${account}`],
    ]);
    const table = await gatehouse(env, ...cfg, 'audit', 'list', '--type', 'reviewer.create');
    expect(table.stdout).toContain(`claimed:bob by os:alice via sudo as ${account}`);
  });

  it('refuses a SUDO_USER or --actor that is not one plain word, changing nothing', async () => {
    const cli = await makeCli();
    const before = await cli.auditCount();
    for (const [env, args] of [
      [{ SUDO_USER: 'alice via sudo as root' }, []],
      [{}, ['--actor', 'os:alice']],
    ] as const) {
      const r = await gatehouse(
        { ...process.env, ...env },
        '--config',
        cli.configPath,
        ...args,
        'reviewer',
        'add',
        'yves',
      );
      expect(r.code).toBe(2);
      expect(isOneLineError(r)).toBe(true);
      expect(r.stderr).toMatch(/^gatehouse: (SUDO_USER|--actor): .* must be a plain account name/);
    }
    expect(await cli.auditCount()).toBe(before);
  });
});
