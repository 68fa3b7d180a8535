import { chmod, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeCli, type Cli } from './cli-harness.js';
import { healthySetup, lineOf, type DoctorSetup } from './doctor-harness.js';

interface TargetView {
  readonly id: number;
  readonly name: string;
  readonly kind: string;
  readonly command?: string[];
  readonly env?: Record<string, string>;
  readonly commandLine?: string;
}

describe('gatehouse target add --command', () => {
  let cli: Cli;
  beforeAll(async () => {
    cli = await makeCli();
  });

  it('adds a command target, resolving the program on PATH; list shows kind and command', async () => {
    const created = await cli.json<TargetView>(
      'target',
      'add',
      'pg-prod',
      '--command',
      'echo service=prod',
      '--env',
      'PGSERVICE=secret-ish',
      '--env',
      'DEMO_VAR=a b',
    );
    expect(created).toMatchObject({
      name: 'pg-prod',
      kind: 'command',
      env: { PGSERVICE: 'secret-ish', DEMO_VAR: 'a b' },
    });
    expect(created.command?.[0]).toMatch(/^\/.*\/echo$/);
    expect(created.command?.slice(1)).toEqual(['service=prod']);
    const listed = await cli.json<TargetView[]>('target', 'list');
    expect(listed).toEqual([
      expect.objectContaining({ name: 'pg-prod', kind: 'command', command: created.command }),
    ]);
    const table = await cli.run('target', 'list');
    expect(table.stdout).toMatch(/KIND/);
    expect(table.stdout).toMatch(/pg-prod\s+command\s+\/\S*echo service=prod/);
    const audit = await cli.json<{ type: string; payload: Record<string, unknown> }[]>(
      'audit',
      'list',
    );
    const create = audit.find((e) => e.type === 'target.create');
    expect(create?.payload).toMatchObject({ kind: 'command', envKeys: ['DEMO_VAR', 'PGSERVICE'] });
    expect(JSON.stringify(create?.payload)).not.toContain('secret-ish'); // env values stay out of the audit chain
  });

  it('refuses a program that is not executable', async () => {
    const file = path.join(cli.dir, 'not-exec.sh');
    await writeFile(file, '#!/bin/sh\n');
    await chmod(file, 0o644);
    const r = await cli.run('target', 'add', 'bad', '--command', file);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`gatehouse: --command: ${file}: not executable\n`);
  });

  it.each([
    [
      ['--command', 'no-such-program-gatehouse'],
      1,
      /--command: no-such-program-gatehouse: not found on PATH/,
    ],
    [['--command', 'bin/echo hi'], 1, /--command: bin\/echo: give an absolute path/],
    [['--command', '/bin/echo  two-spaces'], 2, /--command: empty argument 1/],
    [['--command', '/bin/echo tab\there'], 2, /--command: argument 1 .* printable ASCII/],
    [['--command', '/bin/echo caf\u00e9'], 2, /--command: argument 1 .* printable ASCII/],
    [['--command', '/bin/echo', '--env', 'lower=1'], 2, /--env: key "lower" must match/],
    [['--command', '/bin/echo', '--env', 'NOEQUALS'], 2, /--env: "NOEQUALS" is not KEY=VALUE/],
    [['--command', '/bin/echo', '--host', '10.0.0.5'], 2, /--command: not with --host/],
    [['--command', '/dev/null'], 1, /--command: \/dev\/null: not a regular file/],
    [['--host', '10.0.0.5', '--login', 'ops', '--env', 'A=1'], 2, /--env: only with --command/],
  ])('refuses %j with exit %i and changes nothing', async (args, code, message) => {
    const before = await cli.auditCount();
    const r = await cli.run('target', 'add', 'bad', ...args);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(/^gatehouse: /);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(await cli.auditCount()).toBe(before);
  });

  it('refuses target scan on a command target in one line', async () => {
    const r = await cli.run('target', 'scan', 'pg-prod');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'gatehouse: target pg-prod: runs a program on the bastion; there is no host key to scan\n',
    );
  });

  it('grants access to a command target without any host key', async () => {
    await writeFile(
      path.join(cli.dir, 'k.pub'),
      'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGXx1OJb8sBDmFK3MFtCt4Sv0Dhx1+Ua0bZEp/4r3ZGa alice@laptop\n',
    );
    expect(
      (await cli.run('user', 'add', 'alice', '--key-file', path.join(cli.dir, 'k.pub'))).code,
    ).toBe(0);
    const nda = await cli.run(
      'nda',
      'add',
      '--user',
      'alice',
      '--title',
      'NDA',
      '--ref',
      'NDA-1',
      '--signed',
      '2020-01-01',
    );
    expect(nda.code).toBe(0);
    const grant = await cli.run(
      'grant',
      'add',
      '--user',
      'alice',
      '--target',
      'pg-prod',
      '--nda',
      nda.stdout.trim(),
      '--for',
      '2h',
      '--shell',
      '--reason',
      'demo',
    );
    expect(grant.stderr).toBe('');
    expect(grant.code).toBe(0);
  });

  it('works from the built binary (real Node ESM)', async () => {
    const r = await cli.spawn('--json', 'target', 'add', 'sh-box', '--command', '/bin/sh -i');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      kind: 'command',
      command: ['/bin/sh', '-i'],
      env: {},
    });
  });
});

describe('gatehouse doctor on a command target', () => {
  let s: DoctorSetup;
  let program: string;
  beforeAll(async () => {
    s = await healthySetup();
    program = path.join(s.cli.dir, 'client.sh');
    await writeFile(program, '#!/bin/sh\necho hi\n');
    await chmod(program, 0o755);
    const r = await s.cli.run('target', 'add', 'tool', '--command', `${program} --flag`);
    expect(r.code).toBe(0);
  });

  it('passes while the program is executable, fails once it is gone or not executable', async () => {
    const ok = await s.cli.run('doctor');
    expect(lineOf(ok.stdout, 'target tool')).toBe(
      `PASS target tool: command target: ${program} is executable`,
    );
    expect(ok.code).toBe(0);

    await chmod(program, 0o644);
    const noExec = await s.cli.run('doctor');
    expect(lineOf(noExec.stdout, 'target tool')).toMatch(
      /^FAIL target tool: command target: .*client\.sh: not executable/,
    );
    expect(noExec.code).toBe(1);

    await rm(program);
    const gone = await s.cli.run('doctor');
    expect(lineOf(gone.stdout, 'target tool')).toMatch(
      /^FAIL target tool: command target: .*client\.sh: no such file; install it or gatehouse target remove tool$/,
    );
    expect(gone.code).toBe(1);
  });
});
