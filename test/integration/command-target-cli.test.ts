import { chmod, chown, rm, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../src/store/database.js';
import { RUN_AS, runAsAccount, sharedDir } from '../helpers/run-as.js';
import { makeCli, type Cli } from './cli-harness.js';
import { healthySetup, lineOf, type DoctorSetup } from './doctor-harness.js';

interface TargetView {
  readonly id: number;
  readonly name: string;
  readonly kind: string;
  readonly command?: string[];
  readonly env?: Record<string, string>;
  readonly commandLine?: string;
  readonly runAs?: string | null;
}

describe('gatehouse target add --command', () => {
  let cli: Cli;
  beforeAll(async () => {
    runAsAccount();
    cli = await makeCli();
  });

  it('adds a command target, resolving the program on PATH; list and show show kind, command and run-as account', async () => {
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
      '--run-as',
      RUN_AS,
    );
    expect(created).toMatchObject({
      name: 'pg-prod',
      kind: 'command',
      env: { PGSERVICE: 'secret-ish', DEMO_VAR: 'a b' },
      runAs: RUN_AS,
    });
    expect(created.command?.[0]).toMatch(/^\/.*\/echo$/);
    expect(created.command?.slice(1)).toEqual(['service=prod']);
    const listed = await cli.json<TargetView[]>('target', 'list');
    expect(listed).toEqual([
      expect.objectContaining({ name: 'pg-prod', kind: 'command', command: created.command }),
    ]);
    const table = await cli.run('target', 'list');
    expect(table.stdout).toMatch(/KIND/);
    expect(table.stdout).toMatch(/RUN AS/);
    expect(table.stdout).toMatch(
      new RegExp(`pg-prod\\s+command\\s+/\\S*echo service=prod\\s+-\\s+${RUN_AS}\\s`),
    );
    const shown = await cli.run('target', 'show', 'pg-prod');
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(new RegExp(`^run as\\s+${RUN_AS}$`, 'm'));
    expect(shown.stdout).toMatch(/^env\s+DEMO_VAR PGSERVICE$/m);
    const audit = await cli.json<{ type: string; payload: Record<string, unknown> }[]>(
      'audit',
      'list',
    );
    const create = audit.find((e) => e.type === 'target.create');
    expect(create?.payload).toMatchObject({
      kind: 'command',
      envKeys: ['DEMO_VAR', 'PGSERVICE'],
      runAs: RUN_AS,
    });
    expect(JSON.stringify(create?.payload)).not.toContain('secret-ish'); // env values stay out of the audit chain
  });

  it('refuses a program that is not executable', async () => {
    const file = path.join(cli.dir, 'not-exec.sh');
    await writeFile(file, '#!/bin/sh\n');
    await chmod(file, 0o644);
    const r = await cli.run('target', 'add', 'bad', '--command', file, '--run-as', RUN_AS);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`gatehouse: --command: ${file}: not executable\n`);
  });

  it('refuses a program whose path holds "=" (the confinement passes the env through env(1))', async () => {
    const file = path.join(cli.dir, 'a=b.sh');
    await writeFile(file, '#!/bin/sh\n');
    await chmod(file, 0o755);
    const r = await cli.run('target', 'add', 'bad', '--command', file, '--run-as', RUN_AS);
    expect(r.stderr).toBe(`gatehouse: --command: program "${file}" must not contain "="\n`);
    expect(r.code).toBe(1);
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
    [
      ['--command', '/bin/echo', '--run-as', 'no-such-user-gh'],
      1,
      /--run-as: run-as account no-such-user-gh does not exist on this host\n$/,
    ],
    [['--command', '/bin/echo', '--run-as', '-x'], 1, /--run-as: "-x" is not an account name/],
  ])('refuses %j with exit %i and changes nothing', async (args, code, message) => {
    const before = await cli.auditCount();
    const withRunAs = args.includes('--command') && !args.includes('--run-as');
    const r = await cli.run(
      'target',
      'add',
      'bad',
      ...args,
      ...(withRunAs ? ['--run-as', RUN_AS] : []),
    );
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(/^gatehouse: /);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(await cli.auditCount()).toBe(before);
  });

  it.each([
    [
      [],
      2,
      'gatehouse: --run-as: required with --command (an unprivileged account of this host the program runs as)',
    ],
    [
      ['--run-as', 'root'],
      1,
      'gatehouse: --run-as: run-as account root is root (uid 0); use an unprivileged account',
    ],
    [
      // The tests run as root: the account gatehouse runs as (and owns the database) is root too.
      ['--run-as', userInfo().username],
      1,
      `gatehouse: --run-as: run-as account ${userInfo().username} is root (uid 0); use an unprivileged account`,
    ],
  ])(
    'refuses a command target run as %j: exit %i, one line, nothing added',
    async (args, code, line) => {
      const before = await cli.auditCount();
      const r = await cli.run('target', 'add', 'unsafe', '--command', '/bin/echo', ...args);
      expect(r.stderr).toBe(`${line}\n`);
      expect(r.code).toBe(code);
      expect(await cli.auditCount()).toBe(before);
    },
  );

  it("refuses the service's own account: the owner of the database, whoever runs the CLI", async () => {
    const account = runAsAccount();
    const db = path.join(cli.dir, 'data', 'gatehouse.db');
    await chown(db, account.uid, account.gid);
    try {
      const r = await cli.run('target', 'add', 'own', '--command', '/bin/echo', '--run-as', RUN_AS);
      expect(r.stderr).toBe(
        `gatehouse: --run-as: run-as account ${RUN_AS} (uid ${account.uid}) is the account gatehouse runs as; use a separate unprivileged account\n`,
      );
      expect(r.code).toBe(1);
    } finally {
      await chown(db, process.getuid?.() ?? 0, process.getgid?.() ?? 0);
    }
  });

  it('target set --run-as changes the account (audited as target.set); refused for an ssh target and for root', async () => {
    const set = await cli.run('target', 'set', 'pg-prod', '--run-as', 'nobody');
    expect(set.stderr).toBe('');
    expect(set.stdout).toBe('pg-prod runs as nobody\n');
    expect(await cli.json<TargetView>('target', 'show', 'pg-prod')).toMatchObject({
      runAs: 'nobody',
    });
    const audit = await cli.json<{ type: string; payload: Record<string, unknown> }[]>(
      'audit',
      'list',
    );
    expect(audit.filter((e) => e.type === 'target.set').map((e) => e.payload)).toEqual([
      expect.objectContaining({ target: 'pg-prod', previous: RUN_AS, runAs: 'nobody' }),
    ]);
    const root = await cli.run('target', 'set', 'pg-prod', '--run-as', 'root');
    expect(root.code).toBe(1);
    expect(root.stderr).toBe(
      'gatehouse: --run-as: run-as account root is root (uid 0); use an unprivileged account\n',
    );
    expect((await cli.run('target', 'set', 'pg-prod', '--run-as', RUN_AS)).code).toBe(0);
    const ssh = await cli.run('target', 'add', 'web1', '--host', '10.0.0.5', '--login', 'ops');
    expect(ssh.code).toBe(0);
    const onSsh = await cli.run('target', 'set', 'web1', '--run-as', RUN_AS);
    expect(onSsh.stderr).toBe(
      'gatehouse: target: web1 is an ssh target; --run-as is for command targets\n',
    );
    expect(onSsh.code).toBe(1);
    expect((await cli.run('target', 'remove', 'web1')).code).toBe(0);
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
    const r = await cli.spawn(
      '--json',
      'target',
      'add',
      'sh-box',
      '--command',
      '/bin/sh -i',
      '--run-as',
      RUN_AS,
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      kind: 'command',
      command: ['/bin/sh', '-i'],
      env: {},
      runAs: RUN_AS,
    });
  });
});

describe('gatehouse doctor on a command target', () => {
  let s: DoctorSetup;
  let program: string;
  beforeAll(async () => {
    s = await healthySetup();
    program = path.join(await sharedDir('gatehouse-doctor-program-'), 'client.sh');
    await writeFile(program, '#!/bin/sh\necho hi\n');
    await chmod(program, 0o755);
    const r = await s.cli.run(
      'target',
      'add',
      'tool',
      '--command',
      `${program} --flag`,
      '--run-as',
      RUN_AS,
    );
    expect(r.code).toBe(0);
  });

  it('fails a command target whose run-as account is unset (a row from before migration 4), root or gone', async () => {
    const ok = await s.cli.run('doctor');
    expect(lineOf(ok.stdout, 'target tool')).toBe(
      `PASS target tool: command target: ${program} is executable and runs confined as ${RUN_AS}`,
    );
    expect(ok.code).toBe(0);
    const hint =
      'sessions are refused until gatehouse target set tool --run-as USER names an unprivileged account';
    const cases: [string | null, string][] = [
      [null, 'no run-as account is set (gatehouse target set NAME --run-as USER)'],
      ['root', 'run-as account root is root (uid 0); use an unprivileged account'],
      ['gone-user-gh', 'run-as account gone-user-gh does not exist on this host'],
    ];
    const setRunAs = async (runAs: string | null): Promise<void> => {
      const db = await Database.open(s.cli.dbPath);
      try {
        await db.run("UPDATE targets SET run_as = ? WHERE name = 'tool'", [runAs]);
      } finally {
        await db.close();
      }
    };
    for (const [runAs, why] of cases) {
      await setRunAs(runAs);
      const bad = await s.cli.run('doctor');
      expect(lineOf(bad.stdout, 'target tool')).toBe(
        `FAIL target tool: command target: ${why}; ${hint}`,
      );
      expect(bad.code).toBe(1);
    }
    await setRunAs(RUN_AS);
  });

  it('fails a program the run-as account cannot execute (a folder of mode 0700)', async () => {
    const hidden = path.join(s.cli.dir, 'hidden.sh'); // mkdtemp: 0700, owned by root
    await writeFile(hidden, '#!/bin/sh\n');
    await chmod(hidden, 0o755);
    expect(
      (await s.cli.run('target', 'add', 'hidden', '--command', hidden, '--run-as', RUN_AS)).code,
    ).toBe(0);
    const r = await s.cli.run('doctor');
    expect(lineOf(r.stdout, 'target hidden')).toBe(
      `FAIL target hidden: command target: ${hidden} is not executable by run-as account ${RUN_AS} (check the file's and its folders' permissions)`,
    );
    expect(r.code).toBe(1);
    expect((await s.cli.run('target', 'remove', 'hidden')).code).toBe(0);
  });

  it('passes while the program is executable, fails once it is gone or not executable', async () => {
    const ok = await s.cli.run('doctor');
    expect(lineOf(ok.stdout, 'target tool')).toMatch(/^PASS target tool: command target: /);
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
