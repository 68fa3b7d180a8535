/**
 * The transfer log of a real sftp session (issue 16): the real sftp client → gatehouse → the real
 * sshd's sftp-server; the store's log (what the review page, session show and evidence read)
 * holds the file with the sha256 of its bytes and the refusal, and the list's totals count it.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBastion, type BastionFixture } from '../helpers/bastion.js';
import { eventually } from '../helpers/eventually.js';
import { tempDir } from '../helpers/tmp.js';
import { runSftp } from '../helpers/transfer-client.js';
import { sha256 } from './recording-e2e-harness.js';

let b: BastionFixture;
let remote: string;
let local: string;
const report = randomBytes(200_000);

beforeAll(async () => {
  b = await startBastion();
  remote = await tempDir('gh-tlog-remote-');
  local = await tempDir('gh-tlog-local-');
  await mkdir(join(remote, 'logs'));
  await writeFile(join(remote, 'logs', 'report.bin'), report);
});
afterAll(async () => {
  await b.stop();
});

describe('the transfer log of a real sftp session', () => {
  it('holds the file moved with its sha256 and the refused put, and the list counts the file', async () => {
    const eve = await b.userWithGrant('eve', {
      transfer: { direction: 'download', paths: [], budgetBytes: null },
    });
    const r = await runSftp(b.login(eve), [
      `get ${remote}/logs/report.bin ${join(local, 'report.bin')}`,
      `-put ${join(local, 'report.bin')} ${remote}/uploaded.bin`,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const [session] = await eventually(
      () => b.store.sessions.list({ userName: 'eve' }),
      (s) => s.length === 1 && s[0]?.sha256 !== null,
    );
    expect(session?.kind).toBe('sftp');
    // The file's event is written after the client got its close reply: wait for both entries.
    const entries = await eventually(
      () => b.store.transfers.list(session!.id, { limit: 10 }),
      (e) => e.length === 2,
    );
    expect(entries).toEqual([
      expect.objectContaining({
        kind: 'file',
        direction: 'download',
        path: `${remote}/logs/report.bin`,
        bytes: report.length,
        sha256: sha256(report),
      }),
      expect.objectContaining({ kind: 'denied', op: 'open', path: `${remote}/uploaded.bin` }),
    ]);
    const events = await b.auditTypes('transfer.file');
    expect(events.filter((e) => e['sessionId'] === session!.id)).toHaveLength(1);
    const listed = await b.store.reviewers.session(session!.id);
    expect(listed?.transfers).toEqual({ files: 1, bytes: report.length });
  });
});
