/** Giving a finished temporary file its name: atomically, never over another file unless asked. */
import { link, lstat, rename, unlink } from 'node:fs/promises';
import { GatehouseError } from '../core/errors.js';

const errno = (e: unknown): string => (e as NodeJS.ErrnoException).code ?? 'error';

export async function exists(file: string): Promise<boolean> {
  try {
    await lstat(file);
    return true;
  } catch (e) {
    if (errno(e) === 'ENOENT') return false;
    throw new GatehouseError('storage', `evidence: cannot check ${file} (${errno(e)})`);
  }
}

/** Publishes `tmp` as `output`: never over an existing file unless `force`. */
export async function publish(tmp: string, output: string, force: boolean): Promise<void> {
  if (force) {
    await rename(tmp, output);
    return;
  }
  try {
    await link(tmp, output); // atomic, and fails with EEXIST instead of replacing
  } catch (e) {
    if (errno(e) === 'EEXIST')
      throw new GatehouseError(
        'conflict',
        `evidence: ${output} exists; give --force to replace it`,
      );
    throw new GatehouseError('storage', `evidence: cannot write ${output} (${errno(e)})`);
  }
  await unlink(tmp);
}
