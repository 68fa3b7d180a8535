import { writeFile, readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBastion, type BastionFixture, type TestUser } from '../helpers/bastion.js';
import { eventually } from '../helpers/eventually.js';
import { ptySsh, runSsh } from '../helpers/ssh-client.js';
import { ssh2ChannelRequest, ssh2Connect, ssh2Exec } from '../helpers/ssh2-client.js';
import { applyRules, approve, deny, gatehouse, QUIET, RULES_YAML } from './self-service-fixture.js';

let b: BastionFixture;
let baseConfig: string;
beforeAll(async () => {
  b = await startBastion();
  baseConfig = await readFile(b.configPath, 'utf8');
  await applyRules(b);
});
afterAll(async () => {
  await b.stop();
});

/** The user's newest request, once the command has filed it. */
async function filed(user: TestUser) {
  const [request] = await eventually(
    () => b.store.requests.list({ userName: user.name }),
    (rs) => rs.length > 0,
  );
  if (request === undefined) throw new Error(`${user.name} filed nothing`);
  return request;
}

describe('request --wait', () => {
  it('returns once an approver approves meanwhile: the grant and how to connect, exit 0', async () => {
    const alice = await b.addUser('alice');
    await b.addNda(alice);
    const waiting = gatehouse(b, alice, 'request', 'db1', '--for', '1h', '--reason', 'x', '--wait');
    const request = await filed(alice);
    await approve(b, request.id);
    const r = await waiting;
    expect(r.code).toBe(0);
    const grantId = (await b.store.requests.get(request.id))?.grantId;
    expect(r.stdout.toString()).toBe(
      `request ${request.id} approved: grant ${grantId} on db1; connect with  ssh alice+db1@127.0.0.1\n`,
    );
    expect(r.stderr).toMatch(
      new RegExp(`^gatehouse: request ${request.id} pending: .*; waiting for a decision\\n$`),
    );
  });

  it('exits 1 with the reason when the request is denied (--json: one document)', async () => {
    const bob = await b.addUser('bob');
    await b.addNda(bob);
    const waiting = gatehouse(
      b,
      bob,
      'request',
      'db1',
      '--for',
      '1h',
      '--reason',
      'x',
      '--wait',
      '--json',
    );
    const request = await filed(bob);
    await deny(b, request.id, 'not during the freeze');
    const r = await waiting;
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout.toString())).toMatchObject({
      id: request.id,
      status: 'denied',
      decidedBy: 'carol',
      decisionNote: 'not during the freeze',
    });
  });

  it('in a terminal, Ctrl-C stops waiting and leaves the request pending', async () => {
    const ivy = await b.addUser('ivy');
    await b.addNda(ivy);
    const t = ptySsh(b.login(ivy, null), {
      extra: ['-t', ...QUIET],
      command: ['request', 'db1', '--for', '1h', '--reason', 'x', '--wait'],
    });
    try {
      await t.waitFor(/waiting for a decision\r\n/);
      t.write('\u0003');
      await t.waitFor(/stopped waiting; request \d+ is still pending/);
      expect(await t.exited).toBe(1);
    } finally {
      t.kill();
    }
    const [request] = await b.store.requests.list({ userName: 'ivy' });
    expect(request?.status).toBe('pending');
  });
});

describe('the handler chain around the commands', () => {
  it('a second program on a command’s channel is refused and audited; the command goes on', async () => {
    const cora = await b.addUser('cora');
    await b.addNda(cora);
    const client = await ssh2Connect(b.login(cora, null));
    client.on('error', () => undefined);
    try {
      const channel = await new Promise<import('ssh2').ClientChannel>((resolve, reject) =>
        client.exec('request db1 --for 1h --reason x --wait', (err, ch) =>
          err ? reject(err) : resolve(ch),
        ),
      );
      let stdout = '';
      channel.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
      const closed = new Promise<void>((res) => channel.once('close', () => res()));
      const request = await filed(cora);
      expect(await ssh2ChannelRequest(channel, { type: 'exec', command: 'requests' })).toBe(false);
      await approve(b, request.id);
      await closed;
      expect(stdout).toMatch(new RegExp(`^request ${request.id} approved: grant \\d+ on db1`));
      const after = await ssh2Exec(client, 'requests');
      expect(after.code).toBe(0);
    } finally {
      client.end();
    }
    const denied = (await b.auditTypes('channel.denied')).filter((p) => p['user'] === 'cora');
    expect(denied).toEqual([expect.objectContaining({ kind: 'exec', reason: 'already_started' })]);
  });

  it('a user disabled after logging in is refused at the next command', async () => {
    const dan = await b.addUser('dan');
    const client = await ssh2Connect(b.login(dan, null));
    client.on('error', () => undefined);
    try {
      expect((await ssh2Exec(client, 'requests')).code).toBe(0);
      await b.store.users.setDisabled('dan', true, 'test');
      expect(await ssh2Exec(client, 'requests')).toMatchObject({
        code: 1,
        stdout: '',
        stderr: 'gatehouse: access denied\n',
      });
    } finally {
      client.end();
    }
    const again = await gatehouse(b, dan, 'requests');
    expect(again.code).toBe(255);
    const failures = (await b.auditTypes('auth.failure')).filter((p) => p['user'] === 'dan');
    expect(failures.map((p) => p['reason'])).toContain('user.disabled');
  });

  it('a plain login outlives its last grant (a command can still run), not its user', async () => {
    const fay = await b.userWithGrant('fay');
    const client = await ssh2Connect(b.login(fay, null));
    // The same grant's USER+TARGET login: once the watcher has closed it, it has seen the revocation.
    const direct = await ssh2Connect(b.login(fay, 'db1'));
    let closed = false;
    client.on('error', () => undefined);
    client.once('close', () => (closed = true));
    direct.on('error', () => undefined);
    const directGone = new Promise<void>((res) => direct.once('close', () => res()));
    try {
      await b.store.grants.revoke(fay.grant.id, 'done', Date.now(), 'test');
      await directGone;
      expect(closed).toBe(false);
      expect((await ssh2Exec(client, 'grants')).stdout).toMatch(/^no active grants/);
    } finally {
      client.end();
    }
    const gil = await b.userWithGrant('gil');
    const other = await ssh2Connect(b.login(gil, null));
    other.on('error', () => undefined);
    const gone = new Promise<void>((res) => other.once('close', () => res()));
    await b.store.users.setDisabled('gil', true, 'test');
    await gone;
    const ends = (await b.auditTypes('connection.end')).filter((p) => p['user'] === 'gil');
    expect(ends).toHaveLength(1);
  });

  it('reads the rules at each command: a reload applies to the next one', async () => {
    const erik = await b.addUser('erik');
    await b.addNda(erik);
    const asked = ['request', 'db1', '--for', '3h', '--reason', 'x'];
    expect((await gatehouse(b, erik, ...asked)).code).toBe(0);
    await writeFile(b.configPath, baseConfig);
    await applyRules(b, RULES_YAML.replace('maxDuration: 4h', 'maxDuration: 2h'));
    const r = await gatehouse(b, erik, ...asked);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/3h is longer than the maximum of 2h for db1/);
  });
});

describe('plain logins', () => {
  it('a plain login is still refused for an unknown user, another user’s key and a disabled user', async () => {
    const kim = await b.addUser('kim');
    const lou = await b.addUser('lou');
    await b.store.users.setDisabled('lou', true, 'test');
    const cases = [
      { login: { ...b.login(kim, null), login: 'nobody' }, user: 'nobody', reason: 'user.unknown' },
      {
        login: { ...b.login(kim, null), keyPath: lou.key.privatePath },
        user: 'kim',
        reason: 'key.unknown',
      },
      { login: b.login(lou, null), user: 'lou', reason: 'user.disabled' },
    ];
    for (const c of cases) {
      const r = await runSsh(c.login, { command: ['requests'], extra: QUIET });
      expect(r.code, c.reason).toBe(255);
      expect(r.stderr).toMatch(/Permission denied \(publickey\)/);
      const reasons = (await b.auditTypes('auth.failure')).filter((p) => p['user'] === c.user);
      expect(reasons.map((p) => p['reason'])).toContain(c.reason);
    }
  });

  it('a plain login without a command and without a grant says how to ask, and exits 1', async () => {
    const jo = await b.addUser('jo');
    const r = await runSsh(b.login(jo, null), { extra: QUIET });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'gatehouse: you have no active grant; ask for one with  ssh jo@127.0.0.1 request TARGET --for 2h --reason "…"  (see  ssh jo@127.0.0.1 help)\n',
    );
  });
});
