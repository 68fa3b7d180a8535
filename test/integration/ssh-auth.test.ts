import { readFile } from 'node:fs/promises';
import ssh2, { Client } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR, startBastion, type BastionFixture } from '../helpers/bastion.js';
import { makeUserKey } from '../helpers/keys.js';
import { runSsh } from '../helpers/ssh-client.js';

let b: BastionFixture;
beforeAll(async () => {
  b = await startBastion();
  await b.addSshTarget('db2');
});
afterAll(async () => {
  await b.stop();
});

const denied = /Permission denied \(publickey\)/;
const failureReasons = async (user: string): Promise<unknown[]> =>
  (await b.auditTypes('auth.failure')).filter((p) => p['user'] === user).map((p) => p['reason']);

describe('authentication at the bastion', () => {
  it("denies unknown users, unknown targets and another user's key the same way, and audits why", async () => {
    const alice = await b.userWithGrant('alice');
    const mallory = await b.addUser('mallory');
    const cases = [
      { login: { ...b.login(alice), login: 'nobody+db1' }, user: 'nobody', reason: 'user.unknown' },
      { login: b.login(alice, 'nosuch'), user: 'alice', reason: 'target.unknown' },
      {
        login: { ...b.login(alice), keyPath: mallory.key.privatePath },
        user: 'alice',
        reason: 'key.unknown',
      },
      { login: b.login(mallory), user: 'mallory', reason: 'grant.none' },
    ];
    for (const c of cases) {
      const r = await runSsh(c.login, { command: ['true'] });
      expect(r.code).toBe(255);
      expect(r.stderr).toMatch(denied);
      expect(await failureReasons(c.user)).toContain(c.reason);
    }
    const rows = await b.auditTypes('auth.failure');
    expect(rows.find((p) => p['reason'] === 'key.unknown')).toMatchObject({
      fingerprint: mallory.key.fingerprint,
      target: 'db1',
    });
    expect(await b.store.sessions.list()).toHaveLength(0);
  });

  it('denies expired, not yet valid, revoked and NDA-revoked grants', async () => {
    const now = Date.now();
    const expired = await b.userWithGrant('exp', { startsAt: now - 2 * HOUR, endsAt: now - HOUR });
    const early = await b.userWithGrant('early', { startsAt: now + HOUR, endsAt: now + 2 * HOUR });
    const revoked = await b.userWithGrant('rev');
    await b.store.grants.revoke(revoked.grant.id, 'test', now, 't');
    const ndaGone = await b.userWithGrant('ndagone');
    await b.store.ndas.revoke(ndaGone.grant.ndaId, 'contract ended', 't');
    for (const [u, reason] of [
      [expired, 'grant.expired'],
      [early, 'grant.not_started'],
      [revoked, 'grant.revoked'],
      [ndaGone, 'nda.revoked'],
    ] as const) {
      const r = await runSsh(b.login(u), { command: ['echo', 'should-not-run'] });
      expect(r.code).toBe(255);
      expect(r.stderr).toMatch(denied);
      expect(r.stdout.toString()).toBe('');
      expect(await failureReasons(u.name)).toContain(reason);
    }
    expect(await b.sshd.commands()).not.toContain('echo should-not-run');
  });

  it('gives a key offered without a signature PK_OK only: no channel, no session', async () => {
    const dave = await b.userWithGrant('dave');
    const parsed = ssh2.utils.parseKey(await readFile(dave.key.privatePath));
    if (parsed instanceof Error) throw parsed;
    const client = new Client();
    const channelRefused = new Promise<string>((resolve) => {
      // The client library calls sign() right after PK_OK. Instead of proving possession, open a
      // channel and then send a garbage signature.
      const fakeKey = Object.assign(
        Object.create(Object.getPrototypeOf(parsed) as object) as object,
        parsed,
        {
          sign: () => {
            client.exec('echo pk-ok-only', (err) => resolve(err ? err.message : 'channel opened'));
            return Buffer.alloc(64, 7);
          },
        },
      );
      client.on('error', () => undefined);
      client.connect({
        host: '127.0.0.1',
        port: b.port,
        username: 'dave+db1',
        authHandler: (_methods, _partial, next) => {
          next({ type: 'publickey', username: 'dave+db1', key: fakeKey as typeof parsed });
          return undefined;
        },
      });
    });
    expect(await channelRefused).toMatch(/open failure|prohibited/i);
    client.end();
    expect(await failureReasons('dave')).toContain('signature.invalid');
    expect(await b.sshd.commands()).not.toContain('echo pk-ok-only');
    expect((await b.store.sessions.list()).filter((s) => s.grantId === dave.grant.id)).toHaveLength(
      0,
    );
  });

  it('refuses a target whose host key changed, and audits it as an alert', async () => {
    const other = await makeUserKey(b.dir, 'imposter-host');
    await b.store.targets.add(
      {
        name: 'db3',
        host: b.sshd.host,
        port: b.sshd.port,
        login: b.sshd.login,
        hostKey: other.publicLine.split(' ').slice(0, 2).join(' '),
      },
      't',
    );
    const erin = await b.userWithGrant('erin', { target: 'db3' });
    const r = await runSsh(b.login(erin, 'db3'), { command: ['echo', 'via-db3'] });
    expect(r.stderr).toMatch(/host key of db3 does not match the pinned key/);
    expect(r.stdout.toString()).toBe('');
    expect(r.code).not.toBe(0);
    const alerts = await b.auditTypes('hostkey.mismatch');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ target: 'db3', user: 'erin' });
    expect(await b.sshd.commands()).not.toContain('echo via-db3');
  });

  it('plain USER without a command: one grant goes straight there; several list the choices and exit 1 without a pty', async () => {
    const frank = await b.userWithGrant('frank');
    const one = await runSsh(b.login(frank, null), { extra: ['-T'], stdin: 'echo straight\n' });
    expect(one.stdout.toString()).toBe('straight\n');
    await b.addGrant(frank, { target: 'db2' });
    const many = await runSsh(b.login(frank, null), { extra: ['-T'], stdin: 'echo which\n' });
    expect(many.code).toBe(1);
    expect(many.stderr).toMatch(/several grants are active/);
    expect(many.stderr).toMatch(/1\) db1 .*left/);
    expect(many.stderr).toMatch(/2\) db2 .*left/);
    expect(many.stdout.toString()).toBe('');
  });

  it('plain USER with a command runs one of gatehouse’s own commands, never the target', async () => {
    const gwen = await b.userWithGrant('gwen');
    const r = await runSsh(b.login(gwen, null), { command: ['echo', 'not-relayed'] });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/gatehouse: unknown command "echo": the commands are request/);
    expect(await b.sshd.commands()).not.toContain('echo not-relayed');
  });
});
