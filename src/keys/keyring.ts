/**
 * The keyring: every public key the bastion has signed with, by key id, so recordings and audit
 * checkpoints signed before a host key rotation still verify. It is the current host key
 * (`<hostKeyPath>.pub`, else derived from the private key) plus every `*.pub` in
 * `<host key folder>/retired/`, where `gatehouse keys rotate-host-key` moves the old one.
 *
 * A retired key vouches only for what it signed before its retirement: rotation writes the time
 * into the file's comment (`retired 2026-12-01T16:40:00.000Z`), and a checkpoint dated after it is
 * refused (keys/checkpoint-signature.ts), so a stolen retired key cannot sign a new head. A file
 * without that comment (placed by hand) has no known retirement and is trusted at any date.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { errnoCode, GatehouseError } from '../core/errors.js';
import { signingKeyFromOpenSsh, verifyingKeyFromLine, type VerifyingKey } from './signing-key.js';

/** A keyring entry: null retiredAt for the current key and a retired one of unknown date. */
export type RingKey = VerifyingKey & { readonly retiredAt: number | null };

export interface Keyring {
  /** The current host key first, then retired ones. */
  readonly keys: readonly RingKey[];
  lookup(keyId: string): RingKey | undefined;
}

export const retiredKeysDir = (hostKeyPath: string): string =>
  path.join(path.dirname(hostKeyPath), 'retired');

export function keyringOf(
  keys: readonly (VerifyingKey & { readonly retiredAt?: number | null })[],
): Keyring {
  const byId = new Map<string, RingKey>();
  for (const k of keys)
    if (!byId.has(k.keyId)) byId.set(k.keyId, { ...k, retiredAt: k.retiredAt ?? null });
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

const RETIRED_COMMENT = /\sretired (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z)\s*$/;

/** The time in a retired key file's `retired <ISO time>` comment; null when it has none. */
export function retiredAtOf(line: string): number | null {
  const m = RETIRED_COMMENT.exec(line);
  const at = m?.[1] === undefined ? NaN : Date.parse(m[1]);
  return Number.isNaN(at) ? null : at;
}

async function retiredKeys(dir: string): Promise<RingKey[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.pub')).sort();
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') return [];
    throw new GatehouseError('config', `keyring: cannot read ${dir} (${errnoCode(e)})`);
  }
  const keys: RingKey[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    const line = await readFile(file, 'utf8');
    const key = verifyingKeyFromLine(line);
    if (key === null)
      throw new GatehouseError('config', `keyring: ${file} is not an ssh-ed25519 public key`);
    keys.push({ ...key, retiredAt: retiredAtOf(line) });
  }
  return keys;
}

/** The current host key and the retired ones beside it. */
export async function loadKeyring(hostKeyPath: string): Promise<Keyring> {
  const current = await currentHostKey(hostKeyPath);
  // The current key first: one also found in retired/ (a rotation that stopped before installing
  // the new key) is still in use, so it has no retirement.
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
