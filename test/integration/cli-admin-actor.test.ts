/**
 * Every admin runs `sudo -u gatehouse gatehouse …`: the audit trail names the person the kernel's
 * audit login uid names and the OS account; SUDO_USER (any caller can set it) is recorded as the
 * person only when the login uid agrees, else as what sudo reports; a claimed --actor stays apart.
 * The login uid is read from a file the test writes (this host's own is unset); uid 65534 is the
 * `nobody` account, looked up in the real passwd database.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { isOneLineError, makeCli, type Cli, type Run } from './cli-harness.js';

const account = userInfo().username;
const UNSET = '4294967295';
const NOBODY = { uid: '65534', name: 'nobody' };

const baseEnv = (): NodeJS.ProcessEnv => {
  const env = { ...process.env };
  delete env['SUDO_USER'];
  return env;
};

/** `gatehouse …` in-process, with `loginUid` as the content of its /proc/self/loginuid. */
async function gatehouse(
  cli: Cli,
  loginUid: string,
  env: NodeJS.ProcessEnv,
  ...args: string[]
): Promise<Run> {
  const loginUidPath = path.join(cli.dir, `loginuid-${loginUid}`);
  await writeFile(loginUidPath, loginUid);
  let stdout = '';
  let stderr = '';
  const code = await main(
    ['--config', cli.configPath, ...args],
    { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) },
    { env, loginUidPath },
  );
  return { code, stdout, stderr };
}

async function actorsOfReviewers(cli: Cli): Promise<[string, string][]> {
  const events = await cli.json<{ actor: string; payload: { reviewer: string } }[]>(
    'audit',
    'list',
    '--type',
    'reviewer.create',
  );
  // Newest first: read in the order they were added.
  return events.reverse().map((e) => [e.payload.reviewer, e.actor]);
}

describe('the admin in the audit trail', () => {
  it('SUDO_USER=alice without sudo (login uid unset) is recorded as what sudo reports, not as os:alice', async () => {
    const cli = await makeCli();
    const forged = { ...baseEnv(), SUDO_USER: 'alice' };
    expect((await gatehouse(cli, UNSET, forged, 'reviewer', 'add', 'vera')).code).toBe(0);
    expect((await gatehouse(cli, UNSET, baseEnv(), 'reviewer', 'add', 'walt')).code).toBe(0);
    const ownUid = String(process.geteuid?.());
    expect((await gatehouse(cli, ownUid, forged, 'reviewer', 'add', 'xena')).code).toBe(0);

    expect(await actorsOfReviewers(cli)).toEqual([
      ['vera', `os:${account} (sudo reports alice)`],
      ['walt', `os:${account}`],
      ['xena', `os:${account} (sudo reports alice)`],
    ]);
    const table = await gatehouse(cli, UNSET, baseEnv(), 'audit', 'list');
    expect(table.stdout).toContain(`os:${account} (sudo reports alice)`);
    expect(table.stdout).not.toContain('os:alice');
  });

  it('looks the login uid up with the system getent, not one the caller put first on PATH', async () => {
    const cli = await makeCli();
    const fake = path.join(cli.dir, 'fake-bin');
    await mkdir(fake);
    await writeFile(
      path.join(fake, 'getent'),
      `#!/bin/sh\necho alice:x:${NOBODY.uid}:1::/:/bin/sh\n`,
      {
        mode: 0o755,
      },
    );
    const env = { ...baseEnv(), SUDO_USER: 'alice', PATH: `${fake}:${process.env['PATH']}` };
    const saved = process.env['PATH'];
    process.env['PATH'] = env.PATH; // what execFile resolves a bare name with
    try {
      expect((await gatehouse(cli, NOBODY.uid, env, 'reviewer', 'add', 'vera')).code).toBe(0);
    } finally {
      process.env['PATH'] = saved;
    }
    expect(await actorsOfReviewers(cli)).toEqual([
      ['vera', `os:${NOBODY.name} as ${account} (sudo reports alice)`],
    ]);
  });

  it('names the person the login uid names, via sudo when SUDO_USER agrees, and a claimed --actor apart', async () => {
    const cli = await makeCli();
    const sudoAs = (user: string): NodeJS.ProcessEnv => ({ ...baseEnv(), SUDO_USER: user });
    const runs: [NodeJS.ProcessEnv, string[], string][] = [
      [sudoAs(NOBODY.name), [], 'vera'],
      [sudoAs(NOBODY.name), ['--actor', 'bob'], 'walt'],
      [baseEnv(), [], 'xena'],
      [sudoAs('alice'), [], 'yves'],
    ];
    for (const [env, args, name] of runs) {
      const r = await gatehouse(cli, NOBODY.uid, env, ...args, 'reviewer', 'add', name);
      expect(r.code, r.stderr).toBe(0);
    }
    // A login uid with no account in the passwd database is kept as its number.
    expect((await gatehouse(cli, '3999999999', baseEnv(), 'reviewer', 'add', 'zoe')).code).toBe(0);

    expect(await actorsOfReviewers(cli)).toEqual([
      ['vera', `os:nobody via sudo as ${account}`],
      ['walt', `claimed:bob by os:nobody via sudo as ${account}`],
      ['xena', `os:nobody as ${account}`],
      ['yves', `os:nobody as ${account} (sudo reports alice)`],
      ['zoe', `os:#3999999999 as ${account}`],
    ]);
  });

  it('refuses a SUDO_USER or --actor that is not one plain word, changing nothing', async () => {
    const cli = await makeCli();
    const before = await cli.auditCount();
    for (const [env, args] of [
      [{ SUDO_USER: 'alice via sudo as root' }, []],
      [{ SUDO_USER: 'alice) (sudo reports bob' }, []],
      [{}, ['--actor', 'os:alice']],
    ] as const) {
      const r = await gatehouse(
        cli,
        UNSET,
        { ...baseEnv(), ...env },
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
