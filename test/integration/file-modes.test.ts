/**
 * The database, its -wal and -shm, recordings and manifests are readable by gatehouse's account
 * alone, whatever the umask: tested under the common 022.
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { manifestPathOf } from '../../src/recording/recording-path.js';
import { writeManifest } from '../../src/recording/manifest.js';
import { openRecording } from '../../src/recording/recorder.js';
import { openStore } from '../../src/store/open-store.js';
import { tempDir } from '../helpers/tmp.js';

const modeOf = async (path: string): Promise<string> =>
  ((await stat(path)).mode & 0o777).toString(8).padStart(4, '0');

let previousUmask: number;
beforeAll(() => {
  previousUmask = process.umask(0o022);
});
afterAll(() => {
  process.umask(previousUmask);
});

describe('file modes under umask 022', () => {
  it('the database and its -wal and -shm are 0600, its new folder 0700', async () => {
    const dir = await tempDir('gatehouse-modes-');
    const db = join(dir, 'data', 'gatehouse.db');
    const store = await openStore(db);
    try {
      await store.reviewers.add('rita', null, 'admin');
      expect(await modeOf(join(dir, 'data'))).toBe('0700');
      for (const file of [db, `${db}-wal`, `${db}-shm`]) expect(await modeOf(file)).toBe('0600');
    } finally {
      await store.close();
    }
  });

  it('recordings and manifests are 0600 in 0700 folders', async () => {
    const dir = join(await tempDir('gatehouse-modes-'), 'recordings');
    const start = Date.UTC(2026, 10, 30, 12);
    const sessionId = randomUUID();
    const rec = await openRecording({
      dir,
      sessionId,
      startedAt: start,
      width: 80,
      height: 24,
      title: 'alice@db1: bash',
      term: 'xterm',
      captureInput: false,
      mode: 'strict',
      clock: fixedClock(start),
    });
    rec.output(Buffer.from('secret output\r\n'));
    const seal = await rec.close();
    const keys = generateKeyPairSync('ed25519');
    await writeManifest(
      dir,
      {
        sessionId,
        path: seal.relativePath,
        sha256: seal.sha256,
        bytes: seal.bytes,
        events: seal.events,
        sealedAt: start,
      },
      keys.privateKey,
    );
    for (const folder of [
      dir,
      join(dir, '2026'),
      join(dir, '2026', '11'),
      join(dir, '2026', '11', '30'),
    ])
      expect(await modeOf(folder)).toBe('0700');
    expect(await modeOf(seal.path)).toBe('0600');
    expect(await modeOf(manifestPathOf(seal.path))).toBe('0600');
  });
});
