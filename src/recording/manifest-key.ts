/** The public key that checks manifests, read from the bastion's host key files. */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { GatehouseError, isGatehouseError } from '../core/errors.js';
import { ed25519KeyFromOpenSsh, ed25519PublicKeyFromOpenSsh } from './manifest.js';

const errno = (e: unknown): string | undefined => (e as NodeJS.ErrnoException).code;

/** `<hostKeyPath>.pub`, else derived from the private key at `hostKeyPath`. */
export async function readManifestPublicKey(hostKeyPath: string): Promise<KeyObject> {
  const pubPath = `${hostKeyPath}.pub`;
  try {
    return ed25519PublicKeyFromOpenSsh(await readFile(pubPath, 'utf8'));
  } catch (e) {
    if (isGatehouseError(e))
      throw new GatehouseError('config', `recording: ${pubPath} is not an ssh-ed25519 public key`);
    if (errno(e) !== 'ENOENT')
      throw new GatehouseError(
        'config',
        `recording: cannot read ${pubPath} (${errno(e) ?? 'error'})`,
      );
  }
  let privateFile: Buffer;
  try {
    privateFile = await readFile(hostKeyPath);
  } catch (e) {
    throw new GatehouseError(
      'config',
      `recording: no bastion host key to check signatures with (${pubPath} and ${hostKeyPath}: ${errno(e) ?? 'error'})`,
    );
  }
  return createPublicKey(ed25519KeyFromOpenSsh(privateFile));
}
