/**
 * A login that goes straight to one target starts the bastion's connection to it as soon as the
 * user has signed in (connection.ts), before the session asks for it. What that must not change:
 * nothing reaches the target before the user proved the key and was allowed in, the grant is
 * still re-checked when the session opens, and the connection ends with the user's.
 */
import { readFile } from 'node:fs/promises';
import ssh2, { Client } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBastion, type BastionFixture, type TestUser } from '../helpers/bastion.js';
import { eventually } from '../helpers/eventually.js';
import { ssh2Exec } from '../helpers/ssh2-client.js';
import { sshdConnection, sshdConnectionPorts } from '../helpers/sshd.js';
import { runSsh } from '../helpers/ssh-client.js';

let b: BastionFixture;
beforeAll(async () => {
  b = await startBastion();
});
afterAll(async () => {
  await b.stop();
});

/** The client port of each connection the target's sshd accepted (its log, LogLevel VERBOSE). */
const targetPorts = (): Promise<string[]> => sshdConnectionPorts(b.sshd);
const target = (port: string | undefined) => () => sshdConnection(b.sshd, port ?? '');
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 750));

/** Signs in with ssh2 and opens nothing until asked. */
async function signIn(user: TestUser): Promise<Client> {
  const key = await readFile(user.key.privatePath);
  const client = new Client();
  await new Promise<void>((resolve, reject) => {
    client.once('ready', () => resolve());
    client.once('error', reject);
    client.connect({
      host: '127.0.0.1',
      port: b.port,
      username: `${user.name}+db1`,
      privateKey: key,
    });
  });
  client.on('error', () => undefined);
  return client;
}

describe('the target connection of a login', () => {
  it('is not made for a key offered without a signature, an unknown user or a refused grant', async () => {
    const dave = await b.userWithGrant('dave');
    const before = await targetPorts();
    const parsed = ssh2.utils.parseKey(await readFile(dave.key.privatePath));
    if (parsed instanceof Error) throw parsed;
    // PK_OK for the key, then a signature that does not verify.
    const forged = Object.assign(
      Object.create(Object.getPrototypeOf(parsed) as object) as object,
      parsed,
      { sign: () => Buffer.alloc(64, 7) },
    );
    const client = new Client();
    const refused = new Promise<string>((resolve) => {
      client.on('error', (e: Error) => resolve(e.message));
      client.on('ready', () => resolve('ready'));
    });
    let attempts = 0;
    client.connect({
      host: '127.0.0.1',
      port: b.port,
      username: 'dave+db1',
      authHandler: (_methods, _partial, next) => {
        attempts += 1;
        if (attempts > 1) return false; // ssh2: no more methods
        next({ type: 'publickey', username: 'dave+db1', key: forged as typeof parsed });
        return undefined;
      },
    });
    expect(await refused).toMatch(/authentication methods failed/);
    client.end();

    const nobody = await runSsh({ ...b.login(dave), login: 'nobody+db1' }, { command: ['true'] });
    expect(nobody.code).toBe(255);
    const revoked = await b.userWithGrant('revoked');
    await b.store.grants.revoke(revoked.grant.id, 'test', Date.now(), 't');
    expect((await runSsh(b.login(revoked), { command: ['true'] })).code).toBe(255);
    const unacknowledged = await b.userWithGrant('unack', { acknowledged: false });
    expect((await runSsh(b.login(unacknowledged), { command: ['true'] })).code).toBe(255);

    await settle();
    expect(await targetPorts()).toEqual(before);
  });

  it('is made once the user is in, before any channel, and ends when the user leaves without a session', async () => {
    const erin = await b.userWithGrant('erin');
    const before = await targetPorts();
    const client = await signIn(erin);
    const ports = await eventually(targetPorts, (p) => p.length > before.length);
    const [port] = ports.slice(before.length);
    expect(port).toBeDefined();
    await eventually(target(port), (c) => c.accepted);
    client.end();
    expect((await eventually(target(port), (c) => c.closed)).closed).toBe(true);
    expect((await b.store.sessions.list()).filter((s) => s.grantId === erin.grant.id)).toHaveLength(
      0,
    );
    expect(await targetPorts()).toHaveLength(before.length + 1);
  });

  it('does not let a session through when the grant was revoked after sign-in, though the connection is up', async () => {
    const frank = await b.userWithGrant('frank');
    const before = await targetPorts();
    const client = await signIn(frank);
    try {
      const port = (await eventually(targetPorts, (p) => p.length > before.length)).at(-1);
      await eventually(target(port), (c) => c.accepted);
      await b.store.grants.revoke(frank.grant.id, 'contract ended', Date.now(), 't');
      // The session is refused; or, when the grant watcher's tick came first, the connection is
      // already closed (ssh-login-revocation.test.ts). Either way nothing runs on the target.
      const r = await ssh2Exec(client, 'echo after-revoke').catch((err: Error) => err);
      if (r instanceof Error || r.code === null) {
        const ends = (await b.auditTypes('connection.end')).filter((p) => p['user'] === 'frank');
        expect(ends).toEqual([expect.objectContaining({ reason: 'revoked' })]);
      } else {
        expect(r.stderr).toMatch(/access denied/);
        expect(r.stdout).toBe('');
        expect(r.code).toBe(1);
        const denied = (await b.auditTypes('channel.denied')).filter((p) => p['user'] === 'frank');
        expect(denied).toEqual([
          expect.objectContaining({ kind: 'session', reason: 'grant.revoked' }),
        ]);
      }
    } finally {
      client.end();
    }
    expect(await b.sshd.commands()).not.toContain('echo after-revoke');
    expect(
      (await b.store.sessions.list()).filter((s) => s.grantId === frank.grant.id),
    ).toHaveLength(0);
  });

  it('serves the session the user then opens, once', async () => {
    const gina = await b.userWithGrant('gina');
    const before = await targetPorts();
    const client = await signIn(gina);
    try {
      const r = await ssh2Exec(client, 'echo early-link');
      expect(r).toMatchObject({ stdout: 'early-link\n', code: 0 });
      expect(await ssh2Exec(client, 'echo second-channel')).toMatchObject({
        stdout: 'second-channel\n',
        code: 0,
      });
    } finally {
      client.end();
    }
    // One connection to the target for the login: the early one, shared by both channels.
    expect(await targetPorts()).toHaveLength(before.length + 1);
  });
});
