import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sqlite3 from 'sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeUserKey } from '../helpers/keys.js';
import { startSshd, type SshdTarget } from '../helpers/sshd.js';
import { isOneLineError, makeCli, type Cli } from './cli-harness.js';

interface GrantJson {
  id: number;
  user: string;
  target: string;
  mode: string;
  allowlist: string[];
  startsAt: string;
  endsAt: string;
  revokedAt: string | null;
  revokeReason: string | null;
  state: string;
}

function sqlRun(dbPath: string, sql: string, params: unknown[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(dbPath, (openErr) => {
      if (openErr) return reject(openErr);
      db.run(sql, params, function (this: sqlite3.RunResult, err: Error | null) {
        const changes = this?.changes ?? 0;
        db.close(() => (err ? reject(err) : resolve(changes)));
      });
    });
  });
}

describe('gatehouse CLI: the admin flow end to end', () => {
  let sshd: SshdTarget;
  let cli: Cli;

  beforeAll(async () => {
    sshd = await startSshd();
    cli = await makeCli('profiles:\n  logs:\n    - tail -n {int} /var/log/app.log\n');
  });
  afterAll(async () => {
    await sshd?.stop();
  });

  it('creates, pins, grants, lists, revokes, verifies; a tampered row breaks the chain at its seq', async () => {
    const alice = await makeUserKey(cli.dir, 'alice');
    const bob = await makeUserKey(cli.dir, 'bob', 'rsa');

    // users: `add` prints the bare id
    const add = await cli.run('user', 'add', 'alice', '--key-file', `${alice.privatePath}.pub`);
    expect(add).toEqual({ code: 0, stdout: '1\n', stderr: '' });
    const bobJson = await cli.json<{ id: number; name: string; keys: { fingerprint: string }[] }>(
      'user',
      'add',
      'bob',
      '--key',
      bob.publicLine,
    );
    expect(bobJson).toMatchObject({
      id: 2,
      name: 'bob',
      disabled: false,
      keys: [{ fingerprint: bob.fingerprint }],
    });
    expect(bobJson).toHaveProperty(
      'createdAt',
      expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    );

    // NDA with a document: its sha256 is stored
    const doc = path.join(cli.dir, 'signed.pdf');
    await writeFile(doc, '%PDF-1.4 signed by alice');
    const docSha = createHash('sha256')
      .update(await readFile(doc))
      .digest('hex');
    const nda = await cli.json<{
      id: number;
      documentSha256: string;
      user: string;
      expiresAt: string;
    }>(
      'nda',
      'add',
      '--user',
      'alice',
      '--title',
      'Acme contractor NDA v3',
      '--ref',
      'NDA-2026-014',
      '--signed',
      '2026-01-01',
      '--expires',
      '2099-01-01',
      '--document',
      doc,
    );
    expect(nda).toMatchObject({
      id: 1,
      user: 'alice',
      documentSha256: docSha,
      expiresAt: '2099-01-01T00:00:00.000Z',
    });
    const bobNda = await cli.run(
      'nda',
      'add',
      '--user',
      'bob',
      '--title',
      'Bob NDA',
      '--ref',
      'NDA-2',
      '--signed',
      '2026-01-01',
    );
    expect(bobNda).toMatchObject({ code: 0, stdout: '2\n' });

    // target without key; scan shows the sshd's key and does not pin; --pin pins
    expect(
      (
        await cli.run(
          'target',
          'add',
          'db1',
          '--host',
          sshd.host,
          '--port',
          String(sshd.port),
          '--login',
          sshd.login,
        )
      ).stdout,
    ).toBe('1\n');
    const scan = await cli.run('target', 'scan', 'db1');
    expect(scan.code).toBe(0);
    const fingerprint = await makeFingerprint(sshd.hostKeyLine);
    expect(scan.stdout).toBe(
      `${sshd.hostKeyLine}\n${fingerprint}\nnot pinned; use --pin to pin it\n`,
    );
    expect((await cli.json<{ hostKey: string | null }[]>('target', 'list'))[0]?.hostKey).toBeNull();
    const pin = await cli.json<{ pinned: boolean; fingerprint: string }>(
      'target',
      'scan',
      'db1',
      '--pin',
    );
    expect(pin).toMatchObject({ pinned: true, fingerprint, hostKey: sshd.hostKeyLine });
    const targets = await cli.json<{ name: string; hostKey: string; hostKeyFingerprint: string }[]>(
      'target',
      'list',
    );
    expect(targets).toEqual([
      expect.objectContaining({
        name: 'db1',
        hostKey: sshd.hostKeyLine,
        hostKeyFingerprint: fingerprint,
      }),
    ]);

    // a shell grant and an allowlist grant (repeated --allow, plus a profile)
    const shell = await cli.run(
      'grant',
      'add',
      '--user',
      'alice',
      '--target',
      'db1',
      '--nda',
      '1',
      '--for',
      '2h',
      '--shell',
      '--reason',
      'INC-4211',
    );
    expect(shell).toEqual({ code: 0, stdout: '1\n', stderr: '' });
    const until = new Date(Date.now() + 10 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const listed = await cli.json<GrantJson>(
      'grant',
      'add',
      '--user',
      'bob',
      '--target',
      'db1',
      '--nda',
      '2',
      '--until',
      until,
      '--allow',
      'uptime',
      '--allow',
      'df -h',
      '--profile',
      'logs',
      '--reason',
      'INC-4212',
    );
    expect(listed).toMatchObject({
      id: 2,
      user: 'bob',
      target: 'db1',
      mode: 'commands',
      state: 'active',
      endsAt: until.replace('Z', '.000Z'),
      allowlist: ['tail -n {int} /var/log/app.log', 'uptime', 'df -h'],
    });

    const grants = await cli.json<GrantJson[]>('grant', 'list');
    expect(grants.map((g) => [g.id, g.user, g.mode, g.state])).toEqual([
      [2, 'bob', 'commands', 'active'],
      [1, 'alice', 'shell', 'active'],
    ]);
    const g1 = grants[1]!;
    expect(Date.parse(g1.endsAt) - Date.parse(g1.startsAt)).toBe(2 * 3600_000);

    const revoke = await cli.run('grant', 'revoke', '1', '--reason', 'contract ended');
    expect(revoke).toEqual({ code: 0, stdout: 'revoked grant 1\n', stderr: '' });
    const shown = await cli.json<GrantJson>('grant', 'show', '1');
    expect(shown).toMatchObject({ state: 'revoked', revokeReason: 'contract ended' });
    expect((await cli.json<GrantJson[]>('grant', 'list')).map((g) => g.id)).toEqual([2]);
    expect((await cli.json<GrantJson[]>('grant', 'list', '--all')).map((g) => g.id)).toEqual([
      2, 1,
    ]);
    const text = await cli.run('grant', 'list');
    expect(text.stdout.split('\n')[0]).toMatch(
      /^ID\s+USER\s+TARGET\s+NDA\s+MODE\s+TRANSFER\s+STARTS\s+ENDS\s+STATE\s+REASON$/,
    );

    // the chain is intact and names every write
    const verify = await cli.run('audit', 'verify');
    const events = await cli.json<{ seq: number; type: string; actor: string }[]>('audit', 'list');
    expect(verify).toEqual({
      code: 0,
      stdout: `ok ${events.length} events; no signed checkpoint yet (gatehouse serve writes them), so a cut tail or a re-hashed chain would not show\n`,
      stderr: '',
    });
    expect(events.map((e) => e.type)).toEqual([
      'grant.revoke',
      'grant.create',
      'grant.create',
      'target.pin',
      'target.create',
      'nda.create',
      'nda.create',
      'user.create',
      'user.create',
    ]);
    expect(await cli.json('audit', 'verify')).toMatchObject({ ok: true, count: events.length });

    // tamper with one row by hand: verify exits 1 naming that seq
    const tampered = events.find((e) => e.type === 'grant.revoke')!.seq;
    expect(
      await sqlRun(
        cli.dbPath,
        "UPDATE audit_events SET payload = replace(payload, 'contract ended', 'nothing') WHERE seq = ?",
        [tampered],
      ),
    ).toBe(1);
    const broken = await cli.run('audit', 'verify');
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(new RegExp(`^FAIL chain broken at seq ${tampered}: .+\\n$`));
    expect(broken.stderr).toMatch(
      new RegExp(`^gatehouse: audit: chain broken at seq ${tampered}: .+\\n$`),
    );
    expect(isOneLineError(broken)).toBe(true);
  });

  it('scan refuses to replace a different pinned key unless --replace, showing both fingerprints', async () => {
    const other = await makeUserKey(cli.dir, 'fakehost');
    const [alg, b64] = other.publicLine.split(' ');
    await cli.run(
      'target',
      'add',
      'db2',
      '--host',
      sshd.host,
      '--port',
      String(sshd.port),
      '--login',
      'ops',
      '--host-key',
      `${alg} ${b64}`,
    );
    const real = await makeFingerprint(sshd.hostKeyLine);

    const look = await cli.run('target', 'scan', 'db2');
    expect(look.code).toBe(0);
    expect(look.stdout).toContain(`DIFFERS from the pinned key ${other.fingerprint}`);

    const before = await cli.auditCount();
    const refused = await cli.run('target', 'scan', 'db2', '--pin');
    expect(refused.code).toBe(1);
    expect(isOneLineError(refused)).toBe(true);
    expect(refused.stderr).toContain(other.fingerprint);
    expect(refused.stderr).toContain(real);
    expect(await cli.auditCount()).toBe(before);

    const replaced = await cli.json<{
      pinned: boolean;
      changed: boolean;
      previousFingerprint: string;
    }>('target', 'scan', 'db2', '--pin', '--replace');
    expect(replaced).toMatchObject({
      pinned: true,
      changed: true,
      previousFingerprint: other.fingerprint,
    });
    expect(
      (await cli.json<{ name: string; hostKey: string }[]>('target', 'list')).find(
        (t) => t.name === 'db2',
      )?.hostKey,
    ).toBe(sshd.hostKeyLine);
  });

  it('scan of a port where nothing listens fails in one line, exit 1', async () => {
    await cli.run('target', 'add', 'dead', '--host', '127.0.0.1', '--port', '1', '--login', 'ops');
    const r = await cli.run('target', 'scan', 'dead');
    expect(r.code).toBe(1);
    expect(isOneLineError(r)).toBe(true);
    expect(r.stderr).toContain('target dead: ');
  });

  it('manages keys, disables users, revokes NDAs, prints the bastion key, lists sessions', async () => {
    const extra = await makeUserKey(cli.dir, 'alice2', 'ecdsa');
    const added = await cli.run('user', 'key', 'add', 'alice', '--key', extra.publicLine);
    expect(added).toEqual({ code: 0, stdout: `${extra.fingerprint}\n`, stderr: '' });
    const users = await cli.json<{ name: string; keys: { fingerprint: string }[] }[]>(
      'user',
      'list',
    );
    expect(users.find((u) => u.name === 'alice')?.keys).toHaveLength(2);
    expect((await cli.run('user', 'key', 'remove', 'alice', extra.fingerprint)).code).toBe(0);
    expect(
      (await cli.json<{ name: string; keys: unknown[] }[]>('user', 'list')).find(
        (u) => u.name === 'alice',
      )?.keys,
    ).toHaveLength(1);

    expect(await cli.run('user', 'disable', 'bob')).toEqual({
      code: 0,
      stdout: 'disabled bob\n',
      stderr: '',
    });
    expect((await cli.json<{ disabled: boolean }>('user', 'enable', 'bob')).disabled).toBe(false);

    const revoked = await cli.json<{ revokedAt: string | null }>(
      'nda',
      'revoke',
      '2',
      '--reason',
      'left the company',
    );
    expect(revoked.revokedAt).toMatch(/Z$/);
    expect((await cli.run('nda', 'list', '--user', 'bob')).stdout).toMatch(/\brevoked\b/);

    const keys = await cli.run('keys');
    expect(keys.code).toBe(0);
    expect(keys.stdout).toMatch(/^ssh-ed25519 [A-Za-z0-9+/]+ gatehouse\n$/);
    const again = await cli.json<{ publicKey: string; created: boolean }>('keys');
    expect(`${again.publicKey} gatehouse\n`).toBe(keys.stdout);
    expect(again.created).toBe(false);

    expect(await cli.json('session', 'list')).toEqual([]);
    const kill = await cli.run(
      'session',
      'kill',
      '00000000-0000-4000-8000-000000000000',
      '--reason',
      'done',
    );
    expect(kill.code).toBe(1);
    expect(isOneLineError(kill)).toBe(true);
  });
});

async function makeFingerprint(line: string): Promise<string> {
  const blob = Buffer.from(line.split(' ')[1] ?? '', 'base64');
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}
