/**
 * `gatehouse grant add --transfer … --transfer-path … --transfer-budget …` (issue 16): the rights
 * a grant carries, shown by `grant show` (with the budget used) and `grant list`; bad values are
 * one-line usage errors that change nothing.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { GrantId, NdaId } from '../../src/core/model.js';
import { expectRefusal, makeCli, type Cli } from './cli-harness.js';
import { makeRequestCli, TWO_KEYS } from './request-cli-fixture.js';
import { seed, withStoreAt } from './store-fixtures.js';

const MiB = 1024 ** 2;

describe('gatehouse grant add --transfer', () => {
  let cli: Cli;
  let nda: NdaId;

  beforeEach(async () => {
    cli = await makeCli();
    nda = await withStoreAt(cli.dbPath, async (store) => (await seed(store)).ndaA.id);
  });

  const add = (...transfer: string[]) =>
    cli.run(
      'grant',
      'add',
      '--user',
      'alice',
      '--target',
      'db1',
      '--nda',
      String(nda),
      '--for',
      '2h',
      '--shell',
      '--reason',
      'INC-43',
      ...transfer,
    );

  it('makes a grant with the rights, shown by grant show and grant list', async () => {
    const r = await add(
      '--transfer',
      'download',
      '--transfer-path',
      '/var/log/**',
      '--transfer-path',
      '/etc/app.conf',
      '--transfer-budget',
      '500MiB',
    );
    expect(r.code, r.stderr).toBe(0);
    const id = Number(r.stdout.trim()) as GrantId;
    expect(await withStoreAt(cli.dbPath, (s) => s.grants.takeTransferBudget(id, 12 * MiB))).toBe(
      12 * MiB,
    );

    const show = await cli.run('grant', 'show', String(id));
    expect(show.stdout).toMatch(/^transfer +download$/m);
    expect(show.stdout).toMatch(/^transfer path +\/var\/log\/\*\*$/m);
    expect(show.stdout).toMatch(/^transfer path +\/etc\/app\.conf$/m);
    expect(show.stdout).toMatch(/^transfer budget +500MiB, used 12MiB, 488MiB left$/m);

    expect(await cli.json('grant', 'show', String(id))).toMatchObject({
      transfer: {
        direction: 'download',
        paths: ['/var/log/**', '/etc/app.conf'],
        budgetBytes: 500 * MiB,
      },
      transferUsedBytes: 12 * MiB,
      transferLeftBytes: 488 * MiB,
    });

    const list = await cli.run('grant', 'list');
    const [header, row] = list.stdout.split('\n');
    expect(header).toMatch(/ MODE +TRANSFER +STARTS /);
    expect(row).toContain(' shell  download /var/log/** /etc/app.conf budget 500MiB ');
  });

  it('makes grants without a transfer option allow none, shown as none and -', async () => {
    const r = await add();
    expect(r.code, r.stderr).toBe(0);
    const show = await cli.run('grant', 'show', r.stdout.trim());
    expect(show.stdout).toMatch(/^transfer +none$/m);
    expect(show.stdout).not.toContain('transfer budget');
    const [, row] = (await cli.run('grant', 'list')).stdout.split('\n');
    expect(row).toMatch(/ shell +- +20/);
    expect(await cli.json('grant', 'show', r.stdout.trim())).toMatchObject({
      transfer: { direction: 'none', paths: [], budgetBytes: null },
      transferUsedBytes: 0,
      transferLeftBytes: null,
    });
  });

  it('shows any path and no budget for a direction alone', async () => {
    const r = await add('--transfer', 'both');
    const show = await cli.run('grant', 'show', r.stdout.trim());
    expect(show.stdout).toMatch(/^transfer path +any path$/m);
    expect(show.stdout).toMatch(/^transfer budget +none$/m);
  });

  it.each([
    [
      ['--transfer', 'sideways'],
      '--transfer: "sideways" is not one of none, download, upload, both',
    ],
    [
      ['--transfer-path', '/var/log/**'],
      '--transfer-path: needs --transfer download, upload or both',
    ],
    [
      ['--transfer', 'none', '--transfer-budget', '1GiB'],
      '--transfer-budget: needs --transfer download, upload or both',
    ],
    [
      ['--transfer', 'upload', '--transfer-path', 'tmp/**'],
      '--transfer-path: path limit "tmp/**" is not an absolute path',
    ],
    [
      ['--transfer', 'upload', '--transfer-path', '/srv/../etc'],
      '--transfer-path: path limit "/srv/../etc" holds . or ..',
    ],
    [
      ['--transfer', 'upload', '--transfer-budget', '2GB'],
      '--transfer-budget: "2GB" is not a size: unknown unit "GB"',
    ],
    [
      ['--transfer', 'upload', '--transfer-budget', '0MiB'],
      '--transfer-budget: "0MiB" is not a size: must be more than zero',
    ],
  ])('refuses %j with a usage error and no grant', async (args, message) => {
    await expectRefusal(cli, () => add(...args), 2, message);
    expect(await withStoreAt(cli.dbPath, (s) => s.grants.list())).toEqual([]);
  });
});

describe('gatehouse request show|list|approve: the transfer a request asks for', () => {
  const transfer = {
    direction: 'download',
    paths: ['/var/log/**'],
    budgetBytes: 200 * MiB,
  } as const;

  it('shows it, and the approval makes a grant that carries it', async () => {
    const fx = await makeRequestCli();
    const request = await fx.file({ transfer });
    const show = await fx.cli.run('request', 'show', String(request.id));
    expect(show.stdout).toMatch(/^transfer +download \/var\/log\/\*\* budget 200MiB$/m);
    const list = await fx.cli.run('request', 'list');
    expect(list.stdout).toMatch(/ shell +download \/var\/log\/\*\* budget 200MiB +2h /);
    expect(await fx.cli.json('request', 'show', String(request.id))).toMatchObject({ transfer });

    const approved = await fx.cli.runAs('carol', 'request', 'approve', String(request.id));
    expect(approved.code, approved.stderr).toBe(0);
    const grantId = /grant (\d+) for alice/.exec(approved.stdout)?.[1];
    const grant = await fx.cli.run('grant', 'show', String(grantId));
    expect(grant.stdout).toMatch(/^transfer +download$/m);
    expect(grant.stdout).toMatch(/^transfer path +\/var\/log\/\*\*$/m);
    expect(grant.stdout).toMatch(/^transfer budget +200MiB, used 0B, 200MiB left$/m);
  });

  it('refuses to approve a transfer the rule does not allow, and makes no grant', async () => {
    const fx = await makeRequestCli();
    const request = await fx.file({ ...TWO_KEYS, transfer });
    await expectRefusal(
      fx.cli,
      () => fx.cli.runAs('carol', 'request', 'approve', String(request.id)),
      1,
      'file transfer is not offered for prod1 (rule prod-two-keys)',
    );
    expect(await withStoreAt(fx.cli.dbPath, (s) => s.grants.list())).toEqual([]);
  });
});

describe('gatehouse grant add --profile with transfer rights', () => {
  let cli: Cli;
  let nda: NdaId;

  beforeEach(async () => {
    cli = await makeCli(
      [
        'profiles:',
        '  logs:',
        '    allow: [uptime]',
        "    transfer: { direction: download, paths: ['/var/log/**'], budget: 64MiB }",
        '',
      ].join('\n'),
    );
    nda = await withStoreAt(cli.dbPath, async (store) => (await seed(store)).ndaA.id);
  });

  const addProfile = async (...transfer: string[]) => {
    const r = await cli.run(
      ...['grant', 'add', '--user', 'alice', '--target', 'db1', '--nda', String(nda)],
      ...['--for', '2h', '--profile', 'logs', '--reason', 'INC-44', ...transfer],
    );
    expect(r.code, r.stderr).toBe(0);
    return cli.json<{ allowlist: string[]; transfer: unknown }>('grant', 'show', r.stdout.trim());
  };

  it("gives the profile's rights when no transfer option is typed", async () => {
    expect(await addProfile()).toMatchObject({
      allowlist: ['uptime'],
      transfer: { direction: 'download', paths: ['/var/log/**'], budgetBytes: 64 * MiB },
    });
  });

  it('gives the typed rights instead when a transfer option is typed', async () => {
    expect((await addProfile('--transfer', 'none')).transfer).toEqual({
      direction: 'none',
      paths: [],
      budgetBytes: null,
    });
    expect((await addProfile('--transfer', 'upload')).transfer).toEqual({
      direction: 'upload',
      paths: [],
      budgetBytes: null,
    });
  });
});
