/**
 * File transfer through gatehouse (issue 16): the real sftp and scp clients → gatehouse → the
 * real sshd's sftp-server. Each file moved is a transfer.file row whose sha256 is the file's, and
 * a line of the session's recording; the grant's direction, paths and budget hold end to end.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TransferRights } from '../../src/core/transfer-rights.js';
import { startBastion, type BastionFixture, type TestUser } from '../helpers/bastion.js';
import { eventually } from '../helpers/eventually.js';
import { tempDir } from '../helpers/tmp.js';
import { openSftp, runScp, runSftp } from '../helpers/transfer-client.js';
import { recordedSession, sha256 } from './recording-e2e-harness.js';

let b: BastionFixture;
/** Files on the target (the sshd runs on this host). */
let remote: string;
/** The user's side. */
let local: string;
let report: Buffer;

beforeAll(async () => {
  b = await startBastion();
  remote = await tempDir('gh-sftp-remote-');
  local = await tempDir('gh-sftp-local-');
  report = randomBytes(300_000);
  await mkdir(join(remote, 'logs'));
  await writeFile(join(remote, 'logs', 'report.bin'), report);
  await writeFile(join(remote, 'secret.txt'), 'not for you\n');
});
afterAll(async () => {
  await b.stop();
});

const rights = (
  direction: TransferRights['direction'],
  more: Partial<TransferRights> = {},
): TransferRights => ({ direction, paths: [], budgetBytes: null, ...more });

async function userWith(name: string, transfer: TransferRights) {
  return b.userWithGrant(name, { transfer });
}

/** The user's one session, once sealed (sftp exits before gatehouse's seal is done). */
async function sealedSession(user: TestUser & { readonly grant: { readonly id: number } }) {
  await eventually(
    () => b.store.sessions.list({ userName: user.name }),
    (s) => s.length > 0 && s.every((x) => x.sha256 !== null),
  );
  return recordedSession(b.store, join(b.dir, 'recordings'), user.grant.id as never);
}

describe('sftp through gatehouse', () => {
  it('a download grant gets a file: the audit row and the recording name it with its sha256', async () => {
    const ann = await userWith('ann', rights('download'));
    const to = join(local, 'ann-report.bin');
    const r = await runSftp(b.login(ann), [`get ${remote}/logs/report.bin ${to}`]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(await readFile(to)).toEqual(report);
    const files = (await b.auditTypes('transfer.file')).filter((f) => f['user'] === 'ann');
    expect(files).toEqual([
      expect.objectContaining({
        path: `${remote}/logs/report.bin`,
        direction: 'download',
        bytes: report.length,
        sha256: sha256(report),
      }),
    ]);
    const recorded = await sealedSession(ann);
    expect(recorded.session.kind).toBe('sftp');
    expect(recorded.output).toContain(
      `download ${remote}/logs/report.bin 293.0 KiB sha256 ${sha256(report)}`,
    );
    // The search index, fed from the recording at seal, finds the file by name.
    const found = await eventually(
      () => b.store.recordingText.candidates(`${remote}/logs/report.bin`, 5, 50),
      (c) => c.some((x) => x.session.id === recorded.session.id),
    );
    expect(found.map((c) => c.session.id)).toContain(recorded.session.id);
    const [start] = (await b.auditTypes('session.start')).filter((s) => s['user'] === 'ann');
    expect(start).toEqual(expect.objectContaining({ kind: 'sftp', command: null, pty: false }));
    const [end] = (await b.auditTypes('session.end')).filter((s) => s['user'] === 'ann');
    expect(end).toEqual(
      expect.objectContaining({ reason: 'closed', bytesIn: 0, bytesOut: report.length }),
    );
  });

  it('a download-only grant refuses put: the client says permission denied, nothing is written', async () => {
    const ben = await userWith('ben', rights('download'));
    const from = join(local, 'ben-patch.txt');
    await writeFile(from, 'patch\n');
    const r = await runSftp(b.login(ben), [`put ${from} ${remote}/ben-patch.txt`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/this grant allows downloads only|Permission denied/);
    expect(existsSync(join(remote, 'ben-patch.txt'))).toBe(false);
    const denied = (await b.auditTypes('transfer.denied')).filter((d) => d['user'] === 'ben');
    expect(denied).toEqual([
      expect.objectContaining({
        path: `${remote}/ben-patch.txt`,
        why: 'this grant allows downloads only',
      }),
    ]);
    const recorded = await sealedSession(ben);
    expect(recorded.output).toContain(`${remote}/ben-patch.txt: this grant allows downloads only`);
  });

  it('an upload grant puts a file: the target has it and the audit row has its sha256', async () => {
    const cat = await userWith('cat', rights('upload'));
    const patch = randomBytes(70_000);
    const from = join(local, 'cat-patch.bin');
    await writeFile(from, patch);
    const r = await runSftp(b.login(cat), [`put ${from} ${remote}/cat-patch.bin`]);
    expect(r.code).toBe(0);
    expect(await readFile(join(remote, 'cat-patch.bin'))).toEqual(patch);
    const files = (await b.auditTypes('transfer.file')).filter((f) => f['user'] === 'cat');
    expect(files).toEqual([
      expect.objectContaining({
        path: `${remote}/cat-patch.bin`,
        direction: 'upload',
        bytes: patch.length,
        sha256: sha256(patch),
      }),
    ]);
    // An upload grant reads nothing.
    const get = await runSftp(b.login(cat), [`get ${remote}/secret.txt ${join(local, 'cat-s')}`]);
    expect(get.code).toBe(1);
    expect(existsSync(join(local, 'cat-s'))).toBe(false);
  });

  it('path limits hold: a file outside them is refused, one inside is moved', async () => {
    const dan = await userWith('dan', rights('both', { paths: [`${remote}/logs/**`] }));
    const outside = await runSftp(b.login(dan), [
      `get ${remote}/secret.txt ${join(local, 'dan-s')}`,
    ]);
    expect(outside.code).toBe(1);
    expect(existsSync(join(local, 'dan-s'))).toBe(false);
    const inside = await runSftp(b.login(dan), [
      `get ${remote}/logs/report.bin ${join(local, 'dan-r')}`,
    ]);
    expect(inside.code).toBe(0);
    expect(await readFile(join(local, 'dan-r'))).toEqual(report);
    expect(await b.auditTypes('transfer.denied')).toContainEqual(
      expect.objectContaining({
        user: 'dan',
        path: `${remote}/secret.txt`,
        why: `${remote}/secret.txt is outside the paths this grant allows`,
      }),
    );
  });

  it('a byte budget holds: a file larger than what is left does not arrive whole', async () => {
    const eve = await userWith('eve', rights('download', { budgetBytes: 100_000 }));
    const to = join(local, 'eve-report.bin');
    const r = await runSftp(b.login(eve), [`get ${remote}/logs/report.bin ${to}`]);
    expect(r.code).not.toBe(0);
    const got = existsSync(to) ? await readFile(to) : Buffer.alloc(0);
    expect(got.length).toBeLessThanOrEqual(100_000);
    const moved = (await b.auditTypes('transfer.file')).filter((f) => f['user'] === 'eve');
    expect(moved.reduce((n, f) => n + (f['bytes'] as number), 0)).toBeLessThanOrEqual(100_000);
  });
});

describe('scp through gatehouse (SFTP protocol)', () => {
  it('copies a file down and up, each an audited transfer', async () => {
    const fred = await userWith('fred', rights('both'));
    const down = join(local, 'fred-report.bin');
    const got = await runScp(b.login(fred), `:${remote}/logs/report.bin`, down);
    expect(got.code).toBe(0);
    expect(await readFile(down)).toEqual(report);
    const up = await runScp(b.login(fred), down, `:${remote}/fred-copy.bin`);
    expect(up.code).toBe(0);
    expect(await readFile(join(remote, 'fred-copy.bin'))).toEqual(report);
    // transfer.file is written when the file is closed, alongside the reply that lets scp end.
    const fredsFiles = async () =>
      (await b.auditTypes('transfer.file')).filter((f) => f['user'] === 'fred');
    const files = await eventually(fredsFiles, (f) => f.length === 2);
    expect(files.map((f) => [f['direction'], f['path'], f['sha256']])).toEqual([
      ['download', `${remote}/logs/report.bin`, sha256(report)],
      ['upload', `${remote}/fred-copy.bin`, sha256(report)],
    ]);
  });
});

describe('live enforcement', () => {
  /** A user's sftp left open after one download, its session live. */
  async function openSession(name: string) {
    const user = await userWith(name, rights('both'));
    const sftp = openSftp(b.login(user));
    sftp.stdin.write(`get ${remote}/logs/report.bin ${join(local, `${name}-report.bin`)}\n`);
    const live = await eventually(
      () => b.store.sessions.list({ userName: name, live: true }),
      (s) => s.length === 1,
    );
    expect(live).toHaveLength(1);
    await eventually(
      () => b.auditTypes('transfer.file'),
      (f) => f.some((x) => x['user'] === name),
    );
    return { user, sftp, sessionId: live[0]!.id };
  }

  /** The session ended for `reason`; sftp, at its next command, exits showing `line`. */
  async function endsWith(
    opened: Awaited<ReturnType<typeof openSession>>,
    reason: string,
    line: string,
  ) {
    const ended = await eventually(
      () => b.store.sessions.get(opened.sessionId),
      (s) => s?.endReason !== null,
    );
    expect(ended?.endReason).toBe(reason);
    expect(ended?.kind).toBe('sftp');
    // sftp waits for its next command before it notices the closed connection.
    opened.sftp.stdin.end('ls\n');
    const r = await opened.sftp.done;
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(line);
  }

  it('a revoked grant ends a running sftp session like a shell', async () => {
    const opened = await openSession('gil');
    await b.store.grants.revoke(opened.user.grant.id, 'done', Date.now(), 'test-admin');
    await endsWith(
      opened,
      'revoked',
      `gatehouse: grant #${opened.user.grant.id} is no longer valid; session closed`,
    );
  });

  it('a revoke in the middle of a download ends it there: the file stops short, its row says so', async () => {
    const big = randomBytes(16 * 1024 * 1024);
    await writeFile(join(remote, 'logs', 'big.bin'), big);
    const ivy = await userWith('ivy', rights('download'));
    // -l: sftp takes at most 8 Mbit/s, so the 16 MiB take about 16 s; ssh's window holds ~2 MiB.
    const sftp = openSftp(b.login(ivy), ['-l', '8192']);
    const to = join(local, 'ivy-big.bin');
    sftp.stdin.end(`get ${remote}/logs/big.bin ${to}\n`);
    const live = await eventually(
      () => b.store.sessions.list({ userName: 'ivy', live: true }),
      (s) => s.length === 1,
    );
    expect(live).toHaveLength(1);
    await eventually(
      async () => (existsSync(to) ? (await readFile(to)).length : 0),
      (n) => n > 0,
    );
    await b.store.grants.revoke(ivy.grant.id, 'stop', Date.now(), 'test-admin');
    const r = await sftp.done;
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(
      `gatehouse: grant #${ivy.grant.id} is no longer valid; session closed`,
    );
    expect((await readFile(to)).length).toBeLessThan(big.length);
    const ended = await eventually(
      () => b.store.sessions.get(live[0]!.id),
      (s) => s?.endReason !== null,
    );
    expect(ended?.endReason).toBe('revoked');
    const moved = await eventually(
      async () => (await b.auditTypes('transfer.file')).filter((f) => f['user'] === 'ivy'),
      (f) => f.length > 0,
    );
    expect(moved).toEqual([
      expect.objectContaining({ path: `${remote}/logs/big.bin`, direction: 'download' }),
    ]);
    expect(moved[0]?.['bytes']).toBeLessThan(big.length);
  });

  it('an administrator ends a running sftp session with a reason', async () => {
    const opened = await openSession('hal');
    await b.store.sessions.requestKill(opened.sessionId, Date.now(), 'test-admin', 'INC-7 done');
    await endsWith(opened, 'killed', 'gatehouse: session ended by an administrator: "INC-7 done"');
  });
});
