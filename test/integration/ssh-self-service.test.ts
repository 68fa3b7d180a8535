import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBastion, type BastionFixture } from '../helpers/bastion.js';
import { runSsh } from '../helpers/ssh-client.js';
import { applyRules, approve, filedId, gatehouse, QUIET } from './self-service-fixture.js';

let b: BastionFixture;
beforeAll(async () => {
  b = await startBastion();
  await b.addSshTarget('db2');
  await b.addSshTarget('web1');
  await applyRules(b);
});
afterAll(async () => {
  await b.stop();
});

const requestsOf = async (user: string) => b.store.requests.list({ userName: user });

describe('ssh USER@bastion: gatehouse’s own commands', () => {
  it('a user without any grant files a request and lists it; nothing is dialled or recorded', async () => {
    const alice = await b.addUser('alice');
    await b.addNda(alice);
    const before = (await b.sshd.commands()).length;
    const r = await gatehouse(
      b,
      alice,
      'request',
      'db1',
      '--for',
      '2h',
      '--reason',
      'INC-4211 slow queries',
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toMatch(
      /^request \d+ pending: db1 shell for 2h \(needs 1 approval; expires \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\)\n$/,
    );
    const id = filedId(r);
    const created = (await b.auditTypes('request.created')).find((p) => p['requestId'] === id);
    expect(created).toMatchObject({
      user: 'alice',
      target: 'db1',
      mode: 'shell',
      reason: 'INC-4211 slow queries',
    });
    const [success] = (await b.auditTypes('auth.success')).filter((p) => p['user'] === 'alice');
    expect(success).toMatchObject({ target: null, grantIds: [] });

    const list = await gatehouse(b, alice, 'requests');
    expect(list.code).toBe(0);
    const lines = list.stdout.toString().trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID +STATUS +TARGET +MODE +TRANSFER +FOR +REASON +GRANT$/);
    expect(lines[1]).toMatch(
      new RegExp(`^${id} +pending +db1 +shell +- +2h +INC-4211 slow queries +-$`),
    );
    expect(await b.store.sessions.list()).toHaveLength(0);
    expect((await b.sshd.commands()).length).toBe(before);
  });

  it('keeps the words of a quoted reason and allowlist together, and resolves a profile', async () => {
    const bob = await b.addUser('bob');
    await b.addNda(bob);
    const quoted = await runSsh(b.login(bob, null), {
      extra: QUIET,
      command: [
        `request db1 --for 30m --allow 'tail -n {int} /var/log/app.log' --reason "CHG-1  two spaces"`,
      ],
    });
    expect(quoted.code).toBe(0);
    const profile = await gatehouse(
      b,
      bob,
      'request',
      'db1',
      '--for',
      '1h',
      '--profile',
      'readonly-ops',
      '--reason',
      'CHG-118',
    );
    expect(profile.stdout.toString()).toMatch(/pending: db1 profile readonly-ops for 1h/);
    const [p, q] = await requestsOf('bob');
    expect(q).toMatchObject({
      mode: { kind: 'allowlist', patterns: ['tail -n {int} /var/log/app.log'] },
      reason: 'CHG-1  two spaces',
    });
    expect(p).toMatchObject({
      mode: { kind: 'profile', name: 'readonly-ops', patterns: ['uptime', 'df -h'] },
    });
  });

  it('refuses what no rule allows at once, with the same words for an existing and a missing target, and files nothing', async () => {
    const cora = await b.addUser('cora');
    await b.addNda(cora);
    const cases: [string[], RegExp][] = [
      [
        ['db1', '--for', '2h', '--profile', 'nosuch'],
        /mode "nosuch" is not offered for db1 \(rule db-shell offers shell, allowlist, readonly-ops\)/,
      ],
      [['db1', '--for', '9h'], /9h is longer than the maximum of 4h for db1 \(rule db-shell\)/],
      [['web1', '--for', '1h'], /^gatehouse: request: no request rule lets you ask for "web1"\n$/],
      [['web9', '--for', '1h'], /^gatehouse: request: no request rule lets you ask for "web9"\n$/],
    ];
    for (const [words, message] of cases) {
      const r = await gatehouse(b, cora, 'request', ...words, '--reason', 'probe');
      expect(r.code, words.join(' ')).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stdout.toString()).toBe('');
    }
    expect(await requestsOf('cora')).toHaveLength(0);
    const refused = (await b.auditTypes('request.refused')).filter((p) => p['user'] === 'cora');
    expect(refused.map((p) => p['target'])).toEqual(['db1', 'db1', 'web1', 'web9']);
  });

  it('usage errors exit 2 and point at help; the user’s own words never drive the terminal', async () => {
    const dan = await b.addUser('dan');
    const cases: [string[], RegExp][] = [
      [['request', 'db1', '--reason', 'x'], /--for is missing/],
      [['request', 'db1', '--for', '2h'], /--reason is missing/],
      [['request', 'db1', '--for', '2 h', '--reason', 'x'], /unexpected argument "h"/],
      [
        ['request', 'db1', '--for', '2h', '--reason', 'x'.repeat(501)],
        /--reason is 501 characters; at most 500/,
      ],
      [
        ['request', 'db1', '--for', '2h', '--reason', 'a\u001b[31mb'],
        /control or invisible character \(\\u001b\)/,
      ],
      [['frobnicate'], /unknown command "frobnicate"/],
    ];
    for (const [words, message] of cases) {
      const r = await gatehouse(b, dan, ...words);
      expect(r.code, words.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^gatehouse: .*; see {2}ssh dan@127\.0\.0\.1 help\n$/);
      expect(r.stderr).toMatch(message);
    }
  });

  it('several valid NDAs: refused with the list; --nda picks one', async () => {
    const erik = await b.addUser('erik');
    const first = await b.addNda(erik);
    const second = await b.addNda(erik);
    const r = await gatehouse(b, erik, 'request', 'db1', '--for', '1h', '--reason', 'x');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `gatehouse: nda: you have several valid NDAs; name one with --nda ID: ${first.id} (Acme contractor NDA v3, NDA-erik); ${second.id} (Acme contractor NDA v3, NDA-erik)\n`,
    );
    expect(await requestsOf('erik')).toHaveLength(0);
    const picked = await gatehouse(
      b,
      erik,
      'request',
      'db1',
      '--for',
      '1h',
      '--nda',
      String(second.id),
      '--reason',
      'x',
    );
    expect(picked.code).toBe(0);
    expect((await requestsOf('erik'))[0]?.ndaId).toBe(second.id);
  });

  it('cancels a pending request; someone else’s reads as missing', async () => {
    const fay = await b.addUser('fay');
    await b.addNda(fay);
    const id = filedId(await gatehouse(b, fay, 'request', 'db1', '--for', '1h', '--reason', 'x'));
    const gil = await b.addUser('gil');
    const theirs = await gatehouse(b, gil, 'request', 'cancel', String(id));
    expect(theirs.code).toBe(1);
    expect(theirs.stderr).toBe(`gatehouse: request: no request with id ${id}\n`);
    const mine = await gatehouse(b, fay, 'request', 'cancel', String(id));
    expect(mine.code).toBe(0);
    expect(mine.stdout.toString()).toBe(`request ${id} cancelled: db1 shell for 1h\n`);
    expect((await b.auditTypes('request.cancelled')).some((p) => p['requestId'] === id)).toBe(true);
  });

  it('an auto-approving rule gives the grant at once; grants shows it and ssh USER+db2 then works', async () => {
    const hal = await b.addUser('hal');
    await b.addNda(hal);
    const r = await gatehouse(
      b,
      hal,
      'request',
      'db2',
      '--for',
      '30m',
      '--reason',
      'quick look',
      '--json',
    );
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout.toString()) as Record<string, unknown>;
    expect(doc).toMatchObject({
      status: 'approved',
      target: 'db2',
      connect: 'ssh hal+db2@127.0.0.1',
    });
    const grantId = doc['grantId'] as number;
    const approved = (await b.auditTypes('request.approved')).find(
      (p) => p['requestId'] === doc['id'],
    );
    expect(approved).toMatchObject({
      approver: 'gatehouse',
      note: 'auto-approved by rule db2-auto',
    });

    // First use of the grant: its NDA is acknowledged (ssh-nda.test.ts types "I agree").
    await b.store.grants.acknowledgeNda(grantId as never, Date.now(), 'test');
    const relayed = await runSsh(b.login(hal, 'db2'), { command: ['echo', 'on-db2'] });
    expect(relayed.stdout.toString()).toBe('on-db2\n');

    const grants = await gatehouse(b, hal, 'grants');
    expect(grants.stdout.toString()).toMatch(
      new RegExp(
        `^GRANT +TARGET +MODE +LEFT +CONNECT\\n${grantId} +db2 +shell +(29m\\d+s|30m) +ssh hal\\+db2@127\\.0\\.0\\.1\\n$`,
      ),
    );
    const json = JSON.parse(
      (await gatehouse(b, hal, 'grants', '--json')).stdout.toString(),
    ) as unknown[];
    expect(json).toEqual([expect.objectContaining({ id: grantId, target: 'db2', mode: 'shell' })]);

    // A checklist needs a person to confirm it: the same rule then leaves the request pending.
    await b.store.targets.setRequires('db2', ['backup verified'], 'test');
    const held = await gatehouse(b, hal, 'request', 'db2', '--for', '30m', '--reason', 'again');
    await b.store.targets.setRequires('db2', [], 'test');
    expect(held.code).toBe(0);
    expect(held.stdout.toString()).toMatch(
      /^request \d+ pending: db2 shell for 30m \(needs 1 approval;/,
    );
  });

  it('extends a live grant through the same approval path; another user’s grant reads as missing', async () => {
    const ivy = await b.userWithGrant('ivy');
    const r = await gatehouse(
      b,
      ivy,
      'request',
      'extend',
      String(ivy.grant.id),
      '--for',
      '1h',
      '--reason',
      'still running',
    );
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toMatch(
      new RegExp(`pending: 1h more on grant ${ivy.grant.id} \\(db1\\)`),
    );
    const done = await approve(b, filedId(r));
    expect(done.status).toBe('approved');
    expect((await b.store.grants.get(ivy.grant.id))?.endsAt).toBe(ivy.grant.endsAt + 3_600_000);
    const tooLong = ['request', 'extend', String(ivy.grant.id), '--for', '5h', '--reason', 'x'];
    const refused = await gatehouse(b, ivy, ...tooLong);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/5h is longer than the maximum of 4h for db1 \(rule db-shell\)/);
    const audited = (await b.auditTypes('request.refused')).filter((p) => p['user'] === 'ivy');
    expect(audited).toEqual([
      expect.objectContaining({ kind: 'extend', target: 'db1', grantId: ivy.grant.id }),
    ]);
    const zed = await b.addUser('zed');
    const other = await gatehouse(
      b,
      zed,
      'request',
      'extend',
      String(ivy.grant.id),
      '--for',
      '1h',
      '--reason',
      'x',
    );
    expect(other.code).toBe(1);
    expect(other.stderr).toBe(`gatehouse: grant: you have no grant ${ivy.grant.id}\n`);
  });

  it('help lists the commands with an example each', async () => {
    const r = await gatehouse(b, await b.addUser('hana'), 'help');
    expect(r.code).toBe(0);
    const text = r.stdout.toString();
    for (const example of [
      'ssh hana@127.0.0.1 request db1 --for 2h',
      'ssh hana@127.0.0.1 request extend 7',
      'ssh hana@127.0.0.1 request cancel 12',
      'ssh hana@127.0.0.1 requests',
      'ssh hana@127.0.0.1 grants',
    ])
      expect(text).toContain(example);
  });
});
