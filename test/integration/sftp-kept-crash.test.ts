/**
 * recordings.keepTransfers and a crash (issue 16): gatehouse killed (-9) while a file moves; the
 * next start seals the interrupted transfer session with its copies listed in the signed
 * manifest (the file that had moved whole, the one moving as the first bytes its copy holds), as
 * the labels beside the copies say, and removes the labels.
 */
import { randomBytes } from 'node:crypto';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readManifest } from '../../src/recording/manifest.js';
import { keptFolderOf } from '../../src/recording/kept-transfers.js';
import { verifyRecording } from '../../src/recording/verify-recording.js';
import { startBastion, type BastionFixture } from '../helpers/bastion.js';
import { eventually } from '../helpers/eventually.js';
import { tempDir } from '../helpers/tmp.js';
import { openSftp } from '../helpers/transfer-client.js';
import { startServe, type ServeChild } from './metrics-serve-harness.js';
import { hostPublicKey, sha256 } from './recording-e2e-harness.js';

let b: BastionFixture;
let configPath: string;
const serves: ServeChild[] = [];

beforeAll(async () => {
  b = await startBastion({ recordings: ['  keepTransfers: {}'] });
  configPath = join(b.dir, 'serve.yaml');
  await writeFile(
    configPath,
    (await readFile(b.configPath, 'utf8')).replace(
      /listen: '127\.0\.0\.1:2222'/,
      "listen: '127.0.0.1:0'",
    ),
  );
});
afterAll(async () => {
  for (const s of serves) if (s.alive()) s.signal('SIGKILL');
  await b.stop();
});

async function serve(): Promise<ServeChild> {
  const s = await startServe(configPath);
  serves.push(s);
  return s;
}

const sizeOf = (path: string): Promise<number> =>
  stat(path).then(
    (s) => s.size,
    () => 0,
  );

describe('kill -9 of gatehouse serve while a kept file moves', () => {
  it('the next start lists the copies in the signed manifest: the file moved whole, the one moving as its first bytes', async () => {
    const remote = await tempDir('gh-kept-crash-remote-');
    const local = await tempDir('gh-kept-crash-local-');
    const done = randomBytes(100_000);
    const moving = randomBytes(8 * 1024 * 1024);
    await writeFile(join(remote, 'done.bin'), done);
    await writeFile(join(remote, 'moving.bin'), moving);
    const ann = await b.userWithGrant('ann', {
      transfer: { direction: 'download', paths: [], budgetBytes: null },
    });

    const first = await serve();
    // -l: 4000 Kbit/s, so that the second file is still moving when gatehouse is killed.
    const client = openSftp({ ...b.login(ann), port: first.sshPort }, ['-l', '4000']);
    client.stdin.write(`get ${remote}/done.bin ${local}/done.bin\n`);
    client.stdin.write(`get ${remote}/moving.bin ${local}/moving.bin\n`);
    const [live] = await eventually(
      () => b.store.sessions.list({ userName: 'ann' }),
      (s) => s.length === 1,
    );
    const castPath = join(b.dir, 'recordings', ...live!.recordingPath!.split('/'));
    const folder = keptFolderOf(castPath);
    await eventually(
      () => readFile(join(folder, '000001.entry'), 'utf8').catch(() => ''),
      (label) => label.includes('"reported"'),
    );
    await eventually(
      () => sizeOf(join(folder, '000002')),
      (bytes) => bytes >= 256 * 1024,
    );
    first.signal('SIGKILL');
    await first.stop();
    client.stdin.end();
    await client.done;
    const copied = await readFile(join(folder, '000002'));
    expect(copied.length).toBeLessThan(moving.length);

    const second = await serve();
    try {
      const session = await eventually(
        () => b.store.sessions.get(live!.id),
        (s) => s?.sha256 !== null,
      );
      expect(session).toMatchObject({ endReason: 'interrupted' });
      const read = await readManifest(castPath);
      if (!read.ok) throw new Error(read.problem);
      expect(read.manifest.keptTransfers?.entries).toEqual([
        {
          direction: 'download',
          path: `${remote}/done.bin`,
          bytes: done.length,
          sha256: sha256(done),
          kept: 'whole',
          reason: null,
          file: '000001',
          keptBytes: done.length,
          keptSha256: sha256(done),
        },
        {
          direction: 'download',
          path: `${remote}/moving.bin`,
          bytes: copied.length,
          sha256: null,
          kept: 'first',
          reason: 'interrupted: gatehouse stopped while the file was open',
          file: '000002',
          keptBytes: copied.length,
          keptSha256: sha256(moving.subarray(0, copied.length)),
        },
      ]);
      expect((await readdir(folder)).sort()).toEqual(['000001', '000002']);
      const verified = await verifyRecording({
        dir: join(b.dir, 'recordings'),
        path: live!.recordingPath!,
        expected: {
          sha256: session!.sha256!,
          bytes: session!.bytes!,
          events: read.manifest.events,
        },
        publicKeys: [await hostPublicKey(b.dir)],
      });
      expect(verified).toMatchObject({ ok: true });
    } finally {
      await second.stop();
    }
  });
});
