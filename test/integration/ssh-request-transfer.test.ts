/**
 * `ssh USER@bastion request TARGET --transfer …` (issue 16): a request asks for file transfer,
 * the request rules bound it, the approval's grant carries it; refusals name the problem and are
 * audited as request.refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBastion, type BastionFixture } from '../helpers/bastion.js';
import { applyRules, approve, filedId, gatehouse } from './self-service-fixture.js';

const RULES = `
groups:
  leads: [carol]
profiles:
  logs:
    allow: [uptime]
    transfer: { direction: download, paths: ['/var/log/**'], budget: 64MiB }
requests:
  rules:
    - name: db-logs-profile
      users: [dora]
      targets: ['db1']
      maxDuration: 2h
      modes: [logs]
      approvers: ['@leads']
      transfer: { direction: download, paths: ['/var/log/**'], maxBudget: 1GiB }
    - name: db-shell
      users: [alice, bob, cora]
      targets: ['db1']
      maxDuration: 4h
      modes: [shell]
      approvers: ['@leads']
    - name: db-logs
      users: [alice, bob, cora]
      targets: ['db1']
      maxDuration: 2h
      modes: [shell]
      approvers: ['@leads']
      transfer:
        direction: download
        paths: ['/var/log/**', '/etc/app.conf']
        maxBudget: 1GiB
`;

const GiB = 1024 ** 3;
let b: BastionFixture;
beforeAll(async () => {
  b = await startBastion();
  await applyRules(b, RULES);
});
afterAll(async () => {
  await b.stop();
});

describe('requests that ask for file transfer', () => {
  it('files under the rule that allows it, with its paths and budget, and the approval makes a grant with them', async () => {
    const alice = await b.addUser('alice');
    await b.addNda(alice);
    const r = await gatehouse(
      b,
      alice,
      'request',
      'db1',
      '--for',
      '1h',
      '--transfer',
      'download',
      '--reason',
      'INC-9 fetch logs',
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toMatch(
      /^request \d+ pending: db1 shell for 1h with transfer download \/var\/log\/\*\* \/etc\/app\.conf budget 1GiB \(needs 1 approval;/,
    );
    const id = filedId(r);
    const transfer = {
      direction: 'download',
      paths: ['/var/log/**', '/etc/app.conf'],
      budgetBytes: GiB,
    };
    const created = (await b.auditTypes('request.created')).find((p) => p['requestId'] === id);
    expect(created).toMatchObject({ rule: 'db-logs', transfer });

    const approved = await approve(b, id);
    expect(approved.status).toBe('approved');
    expect((await b.store.grants.get(approved.grantId!))?.transfer).toEqual(transfer);
    await b.store.grants.acknowledgeNda(approved.grantId!, Date.now(), 'user:alice');
    const grants = await gatehouse(b, alice, 'grants', '--json');
    expect(grants.stderr).toBe('');
    expect(JSON.parse(grants.stdout.toString())).toMatchObject([{ transfer }]);

    // A request without --transfer goes to the rule without transfer, and asks for none.
    const plain = await gatehouse(b, alice, 'request', 'db1', '--for', '3h', '--reason', 'INC-10');
    expect(plain.code).toBe(0);
    const plainId = filedId(plain);
    expect((await b.store.requests.get(plainId as never))?.transfer.direction).toBe('none');
  });

  it("asks for a profile's transfer rights unless a transfer option is typed", async () => {
    const dora = await b.addUser('dora');
    await b.addNda(dora);
    const ask = async (...extra: string[]) => {
      const r = await gatehouse(
        b,
        dora,
        ...['request', 'db1', '--profile', 'logs', '--for', '1h', '--reason', 'INC-11', ...extra],
      );
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      return (await b.store.requests.get(filedId(r) as never))?.transfer;
    };
    expect(await ask()).toEqual({
      direction: 'download',
      paths: ['/var/log/**'],
      budgetBytes: 64 * 1024 ** 2,
    });
    expect((await ask('--transfer', 'none'))?.direction).toBe('none');
  });

  it('keeps asked path limits among the rule’s and a smaller budget', async () => {
    const bob = await b.addUser('bob');
    await b.addNda(bob);
    const r = await gatehouse(
      b,
      bob,
      'request',
      'db1',
      '--for',
      '1h',
      '--transfer',
      'download',
      '--transfer-path',
      '/etc/app.conf',
      '--transfer-budget',
      '100MiB',
      '--json',
      '--reason',
      'INC-11',
    );
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout.toString())).toMatchObject({
      status: 'pending',
      rule: 'db-logs',
      transfer: { direction: 'download', paths: ['/etc/app.conf'], budgetBytes: 100 * 1024 ** 2 },
    });
  });

  it('refuses what no rule allows with the reason, audited as request.refused, and files nothing', async () => {
    const cora = await b.addUser('cora');
    await b.addNda(cora);
    const cases: [string[], string][] = [
      [
        ['--for', '1h', '--transfer', 'upload'],
        'request: --transfer upload is not offered for db1 (rule db-logs allows download)',
      ],
      [
        ['--for', '1h', '--transfer', 'download', '--transfer-path', '/etc/**'],
        'request: --transfer-path "/etc/**" is not offered for db1 (rule db-logs allows /var/log/** /etc/app.conf)',
      ],
      [
        ['--for', '1h', '--transfer', 'download', '--transfer-budget', '2GiB'],
        'request: --transfer-budget 2GiB is not offered for db1 (rule db-logs allows at most 1GiB)',
      ],
      [
        ['--transfer', 'download', '--for', '3h'],
        'request: 3h is longer than the maximum of 2h for db1 (rule db-logs)',
      ],
      [
        ['--for', '3h', '--transfer', 'both'],
        'request: --transfer both is not offered for db1 (rule db-logs allows download)',
      ],
    ];
    for (const [words, message] of cases) {
      const r = await gatehouse(b, cora, 'request', 'db1', ...words, '--reason', 'probe');
      expect(r.code, words.join(' ')).toBe(1);
      expect(r.stderr).toBe(`gatehouse: ${message}\n`);
      expect(r.stdout.toString()).toBe('');
    }
    expect(await b.store.requests.list({ userName: 'cora' })).toHaveLength(0);
    const refused = (await b.auditTypes('request.refused')).filter((p) => p['user'] === 'cora');
    // The detail is kept as bounded untrusted text: its quotes escaped.
    expect(refused.map((p) => p['detail'])).toEqual(cases.map(([, m]) => m.replaceAll('"', '\\"')));

    const usage = await gatehouse(
      b,
      cora,
      'request',
      'db1',
      '--for',
      '1h',
      '--transfer-path',
      '/x',
      '--reason',
      'y',
    );
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(
      /^gatehouse: request: --transfer-path: needs --transfer download, upload or both/,
    );
  });
});
