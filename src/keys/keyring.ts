/**
 * The keyring: every public key the bastion has signed with, by key id, so recordings and audit
 * checkpoints signed before a host key rotation still verify. It is the current host key
 * (`<hostKeyPath>.pub`, else derived from the private key) plus every `*.pub` in
 * `<host key folder>/retired/`, where `gatehouse keys rotate-host-key` moves the old one.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { errnoCode, GatehouseError } from '../core/errors.js';
import { signingKeyFromOpenSsh, verifyingKeyFromLine, type VerifyingKey } from './signing-key.js';

export interface Keyring {
  /** The current host key first, then retired ones. */
  readonly keys: readonly VerifyingKey[];
  lookup(keyId: string): VerifyingKey | undefined;
}

export const retiredKeysDir = (hostKeyPath: string): string =>
  path.join(path.dirname(hostKeyPath), 'retired');

export function keyringOf(keys: readonly VerifyingKey[]): Keyring {
  const byId = new Map<string, VerifyingKey>();
  for (const k of keys) if (!byId.has(k.keyId)) byId.set(k.keyId, k);
  return { keys: [...byId.values()], lookup: (keyId) => byId.get(keyId) };
}

async function currentHostKey(hostKeyPath: string): Promise<VerifyingKey> {
  const pubPath = `${hostKeyPath}.pub`;
  try {
    const key = verifyingKeyFromLine(await readFile(pubPath, 'utf8'));
    if (key === null)
      throw new GatehouseError('config', `keyring: ${pubPath} is not an ssh-ed25519 public key`);
    return key;
  } catch (e) {
    if (errnoCode(e) !== 'ENOENT') {
      if (e instanceof GatehouseError) throw e;
      throw new GatehouseError('config', `keyring: cannot read ${pubPath} (${errnoCode(e)})`);
    }
  }
  let privateFile: Buffer;
  try {
    privateFile = await readFile(hostKeyPath);
  } catch (e) {
    throw new GatehouseError(
      'config',
      `keyring: no bastion host key to check signatures with (${pubPath} and ${hostKeyPath}: ${errnoCode(e)})`,
    );
  }
  const { keyId, publicKey, publicLine } = signingKeyFromOpenSsh(privateFile);
  return { keyId, publicKey, publicLine };
}

async function retiredKeys(dir: string): Promise<VerifyingKey[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.pub')).sort();
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') return [];
    throw new GatehouseError('config', `keyring: cannot read ${dir} (${errnoCode(e)})`);
  }
  const keys: VerifyingKey[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    const key = verifyingKeyFromLine(await readFile(file, 'utf8'));
    if (key === null)
      throw new GatehouseError('config', `keyring: ${file} is not an ssh-ed25519 public key`);
    keys.push(key);
  }
  return keys;
}

/** The current host key and the retired ones beside it. */
export async function loadKeyring(hostKeyPath: string): Promise<Keyring> {
  const current = await currentHostKey(hostKeyPath);
  return keyringOf([current, ...(await retiredKeys(retiredKeysDir(hostKeyPath)))]);
}

/**
 * Keeps the current host public key in the keyring folder before the key is replaced:
 * `retired/<key file name>.<time>.pub`, never overwriting one. Returns its path.
 */
export async function retireHostPublicKey(
  hostKeyPath: string,
  publicLine: string,
  now: number,
): Promise<string> {
  const dir = retiredKeysDir(hostKeyPath);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const stamp = new Date(now).toISOString().replace(/[:.]/g, '-');
  const file = path.join(dir, `${path.basename(hostKeyPath)}.${stamp}.pub`);
  await writeFile(file, `${publicLine} retired ${new Date(now).toISOString()}\n`, {
    mode: 0o644,
    flag: 'wx',
    flush: true,
  });
  return file;
}
