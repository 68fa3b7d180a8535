/**
 * The bastion's host key as a signing key (recording manifests, audit checkpoints) and public
 * keys as verifying keys, each named by its OpenSSH fingerprint (the key id).
 */
import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import ssh2 from 'ssh2';
import { errnoCode, GatehouseError } from '../core/errors.js';
import { fingerprintOfBlob, parsePublicKey } from './public-key.js';

export interface VerifyingKey {
  /** `SHA256:…`, the OpenSSH fingerprint of the public key. */
  readonly keyId: string;
  readonly publicKey: KeyObject;
  /** `ssh-ed25519 AAAA…`, without a comment: the form auditors compare. */
  readonly publicLine: string;
}

export interface SigningKey extends VerifyingKey {
  readonly privateKey: KeyObject;
}

/** The base64 Ed25519 signature of `bytes`. */
export function signBase64(key: SigningKey, bytes: Uint8Array): string {
  return sign(null, bytes, key.privateKey).toString('base64');
}

/** Whether `signature` (base64) is the key's signature of `bytes`; false for a malformed one. */
export function verifiesBase64(key: VerifyingKey, bytes: Uint8Array, signature: string): boolean {
  try {
    return verify(null, bytes, key.publicKey, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

/** An OpenSSH-format Ed25519 private key file as a signing key. */
export function signingKeyFromOpenSsh(privateKeyFile: Buffer | string): SigningKey {
  const parsed = ssh2.utils.parseKey(privateKeyFile);
  if (parsed instanceof Error)
    throw new GatehouseError('config', `signing key: cannot read it: ${parsed.message}`);
  if (parsed.type !== 'ssh-ed25519')
    throw new GatehouseError('config', `signing key: it is ${parsed.type}, not ssh-ed25519`);
  const pem = parsed.getPrivatePEM();
  if (!pem) throw new GatehouseError('config', 'signing key: the file holds no private key');
  const privateKey = createPrivateKey(pem);
  const blob = parsed.getPublicSSH();
  return {
    keyId: fingerprintOfBlob(blob),
    privateKey,
    publicKey: createPublicKey(privateKey),
    publicLine: `ssh-ed25519 ${blob.toString('base64')}`,
  };
}

/** An `ssh-ed25519 AAAA… [comment]` line as a verifying key; null when it is not one. */
export function verifyingKeyFromLine(line: string): VerifyingKey | null {
  const key = parsePublicKey(line.trim());
  if (!key.ok || key.key.algorithm !== 'ssh-ed25519') return null;
  const parsed = ssh2.utils.parseKey(key.key.line);
  if (parsed instanceof Error) return null;
  return {
    keyId: key.key.fingerprint,
    publicKey: createPublicKey(parsed.getPublicPEM()),
    publicLine: key.key.line,
  };
}

/** The host key file as a signing key, without generating one (the CLI must not make a key). */
export async function readSigningKey(privatePath: string): Promise<SigningKey> {
  let file: Buffer;
  try {
    file = await readFile(privatePath);
  } catch (e) {
    const code = errnoCode(e);
    throw new GatehouseError(
      'config',
      code === 'ENOENT'
        ? `signing key: no host key at ${privatePath}; run gatehouse serve once to generate it`
        : `signing key: cannot read ${privatePath} (${code})`,
    );
  }
  return signingKeyFromOpenSsh(file);
}
