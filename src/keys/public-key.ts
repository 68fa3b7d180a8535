import { createHash } from 'node:crypto';
import ssh2 from 'ssh2';

const { utils } = ssh2;

/** An SSH public key as in one authorized_keys line (`alg base64 [comment]`, no options). */
export interface PublicKey {
  readonly algorithm: string;
  /** Base64 of the wire-format key blob. */
  readonly blob: string;
  readonly comment: string;
  /** `SHA256:<base64 without padding>`, as OpenSSH prints it. */
  readonly fingerprint: string;
  /** `alg base64`, without the comment: what gets pinned or compared. */
  readonly line: string;
}

export type PublicKeyParse = { ok: true; key: PublicKey } | { ok: false; message: string };

/** Algorithms accepted for user keys and pinned host keys (DSA is obsolete; OpenSSH disabled it). */
export const KEY_ALGORITHMS: readonly string[] = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'ssh-rsa',
];
const MIN_RSA_BITS = 2048;
const MAX_LINE = 16 * 1024;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function fingerprintOfBlob(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** Reads one length-prefixed SSH string at `offset`; undefined when the blob is too short. */
function readSshString(blob: Buffer, offset: number): { value: Buffer; next: number } | undefined {
  if (offset + 4 > blob.length) return undefined;
  const len = blob.readUInt32BE(offset);
  if (offset + 4 + len > blob.length) return undefined;
  return { value: blob.subarray(offset + 4, offset + 4 + len), next: offset + 4 + len };
}

function rsaBits(blob: Buffer): number {
  const alg = readSshString(blob, 0);
  const e = alg && readSshString(blob, alg.next);
  const n = e && readSshString(blob, e.next);
  if (!n) return 0;
  let bytes = n.value;
  while (bytes.length > 0 && bytes[0] === 0) bytes = bytes.subarray(1);
  return bytes.length === 0 ? 0 : (bytes.length - 1) * 8 + Math.floor(Math.log2(bytes[0] ?? 1)) + 1;
}

const looksPrivate = (text: string): boolean =>
  /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(text) || text.startsWith('PuTTY-User-Key-File-');

/**
 * Parses and validates a public key line. The blob must decode, its embedded algorithm must be
 * the one written in front of it, and ssh2 must accept it as a key of that type. Messages are one
 * line and do not repeat the input beyond a short, escaped excerpt.
 */
export function parsePublicKey(text: string): PublicKeyParse {
  const no = (message: string): PublicKeyParse => ({ ok: false, message });
  if (looksPrivate(text)) return no('this is a private key; give the .pub file');
  // A key file normally ends with a newline; anything else multi-line is not one key.
  const line = text.replace(/\r?\n$/, '');
  if (line.length === 0) return no('empty; expected "ssh-ed25519 AAAA... [comment]"');
  if (line.length > MAX_LINE)
    return no(`too long (${line.length} characters) for one public key line`);
  if (/[\r\n]/.test(line)) return no('more than one line; give exactly one public key');
  if (/[^\x20-\x7e\t]/.test(line)) return no('contains control or non-ASCII characters');
  const fields = line.trim().split(/[ \t]+/);
  const [algorithm = '', b64 = '', ...rest] = fields;
  const comment = rest.join(' ');
  if (!KEY_ALGORITHMS.includes(algorithm)) {
    if (/^[A-Za-z0-9+/]{20,}={0,2}$/.test(algorithm))
      return no('missing the algorithm; expected "ssh-ed25519 AAAA... [comment]"');
    if (algorithm.includes('=') || algorithm.includes('"') || algorithm.includes(',')) {
      return no('authorized_keys options are not accepted; give only "alg base64 [comment]"');
    }
    const shown = algorithm.length > 40 ? `${algorithm.slice(0, 40)}...` : algorithm;
    return no(`unsupported key type "${shown}" (use ${KEY_ALGORITHMS.join(', ')})`);
  }
  if (b64 === '') return no(`missing the base64 key after ${algorithm}`);
  if (!BASE64.test(b64)) return no('the key is not valid base64');
  const blob = Buffer.from(b64, 'base64');
  const inner = readSshString(blob, 0);
  if (inner === undefined) return no('the key data is truncated');
  const innerAlg = inner.value.toString('latin1');
  if (innerAlg !== algorithm) {
    const shown = /^[\x20-\x7e]{1,40}$/.test(innerAlg) ? `"${innerAlg}"` : 'something else';
    return no(`the key says ${algorithm} but its data is ${shown}`);
  }
  const parsed = utils.parseKey(`${algorithm} ${b64}`);
  if (parsed instanceof Error) return no(`the ${algorithm} key data is malformed or truncated`);
  if (parsed.isPrivateKey()) return no('this is a private key; give the .pub file');
  // ssh2 ignores trailing bytes; the canonical re-encoding must be the exact blob we were given.
  if (!parsed.getPublicSSH().equals(blob))
    return no(`the ${algorithm} key data is malformed (extra or missing bytes)`);
  if (algorithm === 'ssh-rsa') {
    const bits = rsaBits(blob);
    if (bits < MIN_RSA_BITS)
      return no(`RSA key of ${bits} bits is too weak (at least ${MIN_RSA_BITS})`);
  }
  return {
    ok: true,
    key: {
      algorithm,
      blob: b64,
      comment,
      fingerprint: fingerprintOfBlob(blob),
      line: `${algorithm} ${b64}`,
    },
  };
}

/** The key in a wire-format blob (e.g. a host key received by ssh2), validated the same way. */
export function publicKeyFromBlob(blob: Buffer): PublicKeyParse {
  const inner = readSshString(blob, 0);
  if (inner === undefined) return { ok: false, message: 'the key data is truncated' };
  return parsePublicKey(`${inner.value.toString('latin1')} ${blob.toString('base64')}`);
}
