import { mkdtemp, rm } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const created: string[] = [];
let hooked = false;

/** A fresh folder under the OS temp dir, removed when the test process exits. */
export async function tempDir(prefix = 'gatehouse-test-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  created.push(dir);
  if (!hooked) {
    hooked = true;
    process.once('exit', () => {
      if (process.env['GATEHOUSE_KEEP_TMP']) return;
      for (const d of created) rmSync(d, { recursive: true, force: true });
    });
  }
  return dir;
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}
