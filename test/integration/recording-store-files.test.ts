/** The recording store's file work on a real folder: the local store's remove, a reader's links. */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveRecordingPath } from '../../src/recording/recording-path.js';
import { localRecordingStore } from '../../src/recording/recording-store.js';
import { linkFromSpool } from '../../src/recording-s3/spool-copy.js';
import { tempDir } from '../helpers/tmp.js';

const REL = '2026/12/01/0b6c1f3e-9a1d-4c4e-8f0a-2b7d5e6f7a8b.cast';

async function placeRecording(dir: string, manifest: boolean): Promise<string> {
  const cast = resolveRecordingPath(dir, REL)!;
  await mkdir(dirname(cast), { recursive: true });
  await writeFile(cast, '{"version":2}\n');
  if (manifest) await writeFile(`${cast}.manifest.json`, '{}\n');
  return cast;
}

const names = async (dir: string): Promise<string[]> =>
  (await readdir(join(dir, '2026', '12', '01'))).sort();

describe('the local store', () => {
  it('remove deletes the recording and its manifest; absent ones are fine; a non-recording path is refused', async () => {
    const dir = await tempDir();
    await placeRecording(dir, true);
    const store = localRecordingStore(dir);
    expect(await store.list()).toHaveLength(2);
    await store.remove(REL);
    expect(await store.list()).toEqual([]);
    // The day's folder went with its last recording (recording/remove-recording.ts).
    await expect(names(dir)).rejects.toThrow(/ENOENT/);
    await store.remove(REL);
    await expect(store.remove('../../etc/passwd')).rejects.toThrow(/not a recording path/);
  });
});

describe('linkFromSpool (a reader of a recording whose upload may finish meanwhile)', () => {
  it('links the recording and its manifest while the spool holds them', async () => {
    const spool = await tempDir();
    const copy = await tempDir();
    await placeRecording(spool, true);
    expect(await linkFromSpool(spool, copy, REL)).toBe(true);
    expect(await names(copy)).toEqual([
      '0b6c1f3e-9a1d-4c4e-8f0a-2b7d5e6f7a8b.cast',
      '0b6c1f3e-9a1d-4c4e-8f0a-2b7d5e6f7a8b.cast.manifest.json',
    ]);
  });

  it('links a recording without a manifest that is still there (a live session)', async () => {
    const spool = await tempDir();
    const copy = await tempDir();
    await placeRecording(spool, false);
    expect(await linkFromSpool(spool, copy, REL)).toBe(true);
    expect(await names(copy)).toEqual(['0b6c1f3e-9a1d-4c4e-8f0a-2b7d5e6f7a8b.cast']);
  });

  it('links nothing when the spool no longer holds it (the bucket does)', async () => {
    const spool = await tempDir();
    const copy = await tempDir();
    expect(await linkFromSpool(spool, copy, REL)).toBe(false);
    expect(await names(copy)).toEqual([]);
  });
});
