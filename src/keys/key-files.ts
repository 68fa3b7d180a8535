import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import ssh2 from 'ssh2';

const { utils } = ssh2;
import { errnoCode, GatehouseError } from '../core/errors.js';

export interface KeyPair {
  /** The private key file's content (OpenSSH format). */
  readonly privateKey: Buffer;
  /** `ssh-ed25519 AAAA...` (no comment). */
  readonly publicLine: string;
  /** true when this call generated the pair. */
  readonly created: boolean;
}

/** Writes `data` to a temp file beside `file`, then links it into place: never a half-written key. */
async function writeNew(file: string, data: string, mode: number): Promise<boolean> {
  const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(tmp, data, { mode, flag: 'wx', flush: true });
  try {
    await link(tmp, file);
    return true;
  } catch (e) {
    if (errnoCode(e) === 'EEXIST') return false; // another process won the race: use its key
    throw e;
  } finally {
    await unlink(tmp);
  }
}

async function writeReplacing(file: string, data: string, mode: number): Promise<void> {
  const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(tmp, data, { mode, flag: 'wx', flush: true });
  await rename(tmp, file);
}

async function readPair(privatePath: string, created: boolean): Promise<KeyPair> {
  const info = await stat(privatePath);
  if ((info.mode & 0o077) !== 0) {
    throw new GatehouseError(
      'config',
      `key ${privatePath}: readable by others (mode ${(info.mode & 0o777).toString(8)}); run chmod 600`,
    );
  }
  const privateKey = await readFile(privatePath);
  const parsed = utils.parseKey(privateKey);
  if (parsed instanceof Error || !parsed.isPrivateKey()) {
    throw new GatehouseError(
      'config',
      `key ${privatePath}: not an unencrypted OpenSSH private key`,
    );
  }
  const publicLine = `${parsed.type} ${parsed.getPublicSSH().toString('base64')}`;
  const pubPath = `${privatePath}.pub`;
  const existing = await readFile(pubPath, 'utf8').catch(() => null);
  if (existing?.split(/\s+/).slice(0, 2).join(' ') !== publicLine) {
    await writeReplacing(pubPath, `${publicLine} gatehouse\n`, 0o644);
  }
  return { privateKey, publicLine, created };
}

/**
 * ssh2 (1.17) drops a leading zero byte of the Ed25519 public key in about 1 of 200 generated
 * keys, which yields a private key file nothing can parse. Keep only pairs that round-trip.
 */
export function generateEd25519(): string {
  for (let attempt = 0; attempt < 20; attempt++) {
    const pair = utils.generateKeyPairSync('ed25519', { comment: 'gatehouse' });
    const parsed = utils.parseKey(pair.private);
    if (parsed instanceof Error || !parsed.isPrivateKey()) continue;
    const data = Buffer.from('gatehouse key check');
    if (parsed.verify(data, parsed.sign(data)) === true) return pair.private;
  }
  throw new Error('could not generate a valid Ed25519 key');
}

/**
 * Returns the Ed25519 key pair at `privatePath`, generating it on first use: private key mode
 * 0600 in a folder created 0700, the `.pub` beside it. Safe against two processes starting at once.
 */
export async function ensureKeyPair(privatePath: string): Promise<KeyPair> {
  try {
    return await readPair(privatePath, false);
  } catch (e) {
    if (errnoCode(e) !== 'ENOENT') {
      if (e instanceof GatehouseError) throw e;
      throw new GatehouseError('config', `key ${privatePath}: cannot read (${errnoCode(e)})`, {
        cause: e,
      });
    }
  }
  try {
    await mkdir(path.dirname(privatePath), { recursive: true, mode: 0o700 });
    const created = await writeNew(privatePath, generateEd25519(), 0o600);
    return await readPair(privatePath, created);
  } catch (e) {
    if (e instanceof GatehouseError) throw e;
    throw new GatehouseError('config', `key ${privatePath}: cannot create (${errnoCode(e)})`, {
      cause: e,
    });
  }
}

/** Replaces the pair at `privatePath` with `privateKey` (OpenSSH text): key rotation. */
export async function installKeyPair(privatePath: string, privateKey: string): Promise<KeyPair> {
  await writeReplacing(privatePath, privateKey, 0o600);
  return readPair(privatePath, true);
}
