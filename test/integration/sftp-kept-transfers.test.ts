/**
 * recordings.keepTransfers end to end (issue 16): the real sftp and scp clients move files
 * through gatehouse to the real sshd; each file's copy lands beside the session's recording,
 * byte for byte, listed in the signed manifest; `recording verify` checks the copies and the
 * evidence export carries them. A second bastion without the setting keeps nothing.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { KeptTransfers } from '../../src/core/kept-transfers.js';
import type { Session } from '../../src/core/model.js';
import type { TransferRights } from '../../src/core/transfer-rights.js';
import { keptFolderOf } from '../../src/recording/kept-transfers.js';
import { readManifest } from '../../src/recording/manifest.js';
import { startBastion, type BastionFixture, type TestUser } from '../helpers/bastion.js';
import { eventually } from '../helpers/eventually.js';
import { tempDir } from '../helpers/tmp.js';
import { runScp, runSftp } from '../helpers/transfer-client.js';
import type { Run } from './cli-harness.js';
import { members } from './evidence-tar.js';
import { sha256 } from './recording-e2e-harness.js';

const MAX_FILE = 200 * 1024;
let b: BastionFixture;
let remote: string;
let local: string;
let report: Buffer;
let big: Buffer;

beforeAll(async () => {
  b = await startBastion({
    recordings: [
      `  keepTransfers: { maxFileBytes: ${MAX_FILE / 1024}KiB, maxSessionBytes: 10MiB }`,
    ],
  });
  remote = await tempDir('gh-kept-remote-');
  local = await tempDir('gh-kept-local-');
  report = randomBytes(150_000);
  big = randomBytes(MAX_FILE + 100_000);
  await writeFile(join(remote, 'report.bin'), report);
  await writeFile(join(remote, 'big.bin'), big);
});
afterAll(async () => {
  await b.stop();
});

const both: TransferRights = { direction: 'both', paths: [], budgetBytes: null };

/** `gatehouse …` in-process against the bastion's config. */
async function gatehouse(...args: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await main(
    ['--config', b.configPath, ...args],
    { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) },
    { cwd: b.dir, env: {} },
  );
  return { code, stdout, stderr };
}

/** The user's one session once sealed, its recording path and signed manifest's copies. */
async function sealed(user: TestUser): Promise<{
  session: Session;
  castPath: string;
  kept: KeptTransfers | undefined;
}> {
  const [session] = await eventually(
    () => b.store.sessions.list({ userName: user.name }),
    (s) => s.length === 1 && s[0]?.sha256 !== null,
  );
  if (session?.recordingPath == null) throw new Error('no sealed session');
  const castPath = join(b.dir, 'recordings', ...session.recordingPath.split('/'));
  const read = await readManifest(castPath);
  if (!read.ok) throw new Error(read.problem);
  return { session, castPath, kept: read.manifest.keptTransfers };
}

describe('recordings.keepTransfers through sftp and scp', () => {
  it('keeps each file that moved, get and put, byte for byte, listed in the signed manifest; the cap keeps the first bytes', async () => {
    const ann = await b.userWithGrant('ann', { transfer: both });
    const patch = randomBytes(70_000);
    await writeFile(join(local, 'patch.bin'), patch);
    const r = await runSftp(b.login(ann), [
      `get ${remote}/report.bin ${join(local, 'report.bin')}`,
      `put ${join(local, 'patch.bin')} ${remote}/patch.bin`,
      `get ${remote}/big.bin ${join(local, 'big.bin')}`,
    ]);
    expect(r.code).toBe(0);
    expect(sha256(await readFile(join(remote, 'patch.bin')))).toBe(sha256(patch));
    const { castPath, kept, session } = await sealed(ann);
    expect(kept?.entries).toEqual([
      {
        direction: 'download',
        path: `${remote}/report.bin`,
        bytes: report.length,
        sha256: sha256(report),
        kept: 'whole',
        reason: null,
        file: '000001',
        keptBytes: report.length,
        keptSha256: sha256(report),
      },
      expect.objectContaining({
        direction: 'upload',
        path: `${remote}/patch.bin`,
        sha256: sha256(patch),
        kept: 'whole',
        file: '000002',
      }),
      expect.objectContaining({
        direction: 'download',
        path: `${remote}/big.bin`,
        bytes: big.length,
        sha256: sha256(big),
        kept: 'first',
        reason: 'over maxFileBytes',
        file: '000003',
        keptBytes: MAX_FILE,
        keptSha256: sha256(big.subarray(0, MAX_FILE)),
      }),
    ]);
    const folder = keptFolderOf(castPath);
    expect(sha256(await readFile(join(folder, '000001')))).toBe(sha256(report));
    expect(sha256(await readFile(join(folder, '000002')))).toBe(sha256(patch));
    expect(sha256(await readFile(join(folder, '000003')))).toBe(sha256(big.subarray(0, MAX_FILE)));
    // The transfer.file rows agree with the copies' entries.
    const files = (await b.auditTypes('transfer.file')).filter((f) => f['user'] === 'ann');
    expect(files.map((f) => f['sha256'])).toEqual(kept?.entries.map((e) => e.sha256));

    const verified = await gatehouse('recording', 'verify', session.id);
    expect(verified).toMatchObject({ code: 0, stderr: '' });
  });

  it('scp keeps its copy too; editing a kept copy makes recording verify fail naming it', async () => {
    const ben = await b.userWithGrant('ben', { transfer: both });
    const got = await runScp(b.login(ben), `:${remote}/report.bin`, join(local, 'ben.bin'));
    expect(got.code).toBe(0);
    const { castPath, kept, session } = await sealed(ben);
    expect(kept?.entries).toEqual([
      expect.objectContaining({ file: '000001', kept: 'whole', keptSha256: sha256(report) }),
    ]);
    const copy = join(keptFolderOf(castPath), '000001');
    const edited = Buffer.from(report);
    edited[100] = (edited[100] ?? 0) ^ 0xff;
    await writeFile(copy, edited);
    const r = await gatehouse('recording', 'verify', session.id);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toContain(
      `kept file 000001 (download "${remote}/report.bin") sha256 differs from the manifest's (content edited)`,
    );
  });

  it('the evidence export carries the kept copies, and its verify checks them', async () => {
    const cat = await b.userWithGrant('cat', { transfer: both });
    const r = await runSftp(b.login(cat), [`get ${remote}/report.bin ${join(local, 'cat.bin')}`]);
    expect(r.code).toBe(0);
    const { session } = await sealed(cat);
    const out = join(b.dir, 'evidence-cat.tar');
    const exported = await gatehouse(
      '--actor',
      'auditor-prep',
      'evidence',
      'export',
      '--grant',
      String(cat.grant.id),
      '-o',
      out,
    );
    expect(exported).toMatchObject({ code: 0, stderr: '' });
    const tar = await readFile(out);
    const member = `sessions/${session.id}.kept/000001`;
    const found = members(tar).get(member);
    expect(found).toBeDefined();
    expect(sha256(tar.subarray(found!.start, found!.start + found!.size))).toBe(sha256(report));
    expect(await gatehouse('evidence', 'verify', out)).toMatchObject({ code: 0 });

    // The copy's bytes inside the file are covered: one flipped byte is named.
    const edited = Buffer.from(tar);
    edited[found!.start + 10] = (edited[found!.start + 10] ?? 0) ^ 1;
    const editedPath = join(b.dir, 'evidence-cat-edited.tar');
    await writeFile(editedPath, edited);
    const bad = await gatehouse('evidence', 'verify', editedPath);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(member);
  });
});

describe('recordings.keepTransfers off (the default)', () => {
  it('keeps nothing: no folder beside the recording, a manifest as before', async () => {
    const plain = await startBastion();
    try {
      const dan = await plain.userWithGrant('dan', { transfer: both });
      const r = await runSftp(plain.login(dan), [
        `get ${remote}/report.bin ${join(local, 'dan.bin')}`,
      ]);
      expect(r.code).toBe(0);
      const [session] = await eventually(
        () => plain.store.sessions.list({ userName: 'dan' }),
        (s) => s.length === 1 && s[0]?.sha256 !== null,
      );
      const castPath = join(plain.dir, 'recordings', ...session!.recordingPath!.split('/'));
      const read = await readManifest(castPath);
      expect(read.ok && read.manifest).not.toHaveProperty('keptTransfers');
      expect(existsSync(keptFolderOf(castPath))).toBe(false);
      const day = await readdir(join(castPath, '..'));
      expect(day.filter((n) => n.startsWith(session!.id))).toEqual([
        `${session!.id}.cast`,
        `${session!.id}.cast.manifest.json`,
      ]);
    } finally {
      await plain.stop();
    }
  });
});
