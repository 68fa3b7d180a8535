/** Giving a finished temporary file its name: atomically, never over another file unless asked. */
import { link, lstat, rename, unlink } from 'node:fs/promises';
import { errnoCode, GatehouseError } from '../core/errors.js';

/** The refusal when the output file is already there (checked early, and again atomically). */
export const outputExists = (output: string): GatehouseError =>
  new GatehouseError('conflict', `evidence: ${output} exists; give --force to replace it`);

export async function exists(file: string): Promise<boolean> {
  try {
    await lstat(file);
    return true;
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') return false;
    throw new GatehouseError('storage', `evidence: cannot check ${file} (${errnoCode(e)})`);
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
    if (errnoCode(e) === 'EEXIST') throw outputExists(output);
    throw new GatehouseError('storage', `evidence: cannot write ${output} (${errnoCode(e)})`);
  }
  await unlink(tmp);
}
