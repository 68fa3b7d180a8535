import ssh2, { type ParsedKey } from 'ssh2';
import { describe, expect, it } from 'vitest';
import { generateEd25519 } from '../../src/keys/key-files.js';
import { verifyUserSignature } from '../../src/transport/user-signature.js';

function parse(text: string | Buffer): ParsedKey {
  const key = ssh2.utils.parseKey(text);
  if (key instanceof Error || Array.isArray(key)) throw new Error('test key did not parse');
  return key;
}

const ed = parse(generateEd25519());
const rsaPair = ssh2.utils.generateKeyPairSync('rsa', { bits: 2048 });
const rsa = parse(rsaPair.private);
const data = Buffer.from('session id + userauth request');

describe('verifyUserSignature (publickey auth)', () => {
  it('accepts a real ed25519 signature', () => {
    const signature = ed.sign(data);
    expect(
      verifyUserSignature({
        algo: 'ssh-ed25519',
        keyBlob: ed.getPublicSSH(),
        blob: data,
        signature,
        hashAlgo: undefined,
      }),
    ).toBe(true);
  });

  it('accepts real rsa-sha2-256 and rsa-sha2-512 signatures', () => {
    for (const hashAlgo of ['sha256', 'sha512']) {
      const signature = rsa.sign(data, hashAlgo);
      expect(
        verifyUserSignature({
          algo: 'ssh-rsa',
          keyBlob: rsa.getPublicSSH(),
          blob: data,
          signature,
          hashAlgo,
        }),
      ).toBe(true);
    }
  });

  it('refuses a forged attempt naming rsa-sha2-256 for an ed25519 key (ssh2 verify throws and returns a truthy Error)', () => {
    const forged = {
      algo: 'ssh-rsa',
      keyBlob: ed.getPublicSSH(),
      blob: data,
      signature: Buffer.alloc(64, 7),
      hashAlgo: 'sha256',
    };
    // The fail-open this guards against: ssh2 reports the failure as a (truthy) Error value.
    expect(ed.verify(data, forged.signature, 'sha256')).toBeInstanceOf(Error);
    expect(verifyUserSignature(forged)).toBe(false);
    expect(verifyUserSignature({ ...forged, algo: 'ssh-ed25519' })).toBe(false);
  });

  it.each([
    [
      'a junk ed25519 signature',
      { algo: 'ssh-ed25519', hashAlgo: undefined, junk: true, key: 'ed' },
    ],
    ['SHA-1 ssh-rsa', { algo: 'ssh-rsa', hashAlgo: undefined, junk: false, key: 'rsa' }],
    [
      'an algorithm other than the key type',
      { algo: 'ecdsa-sha2-nistp256', hashAlgo: undefined, junk: false, key: 'ed' },
    ],
  ] as const)('refuses %s', (_name, c) => {
    const key = c.key === 'ed' ? ed : rsa;
    const signature = c.junk
      ? Buffer.alloc(64, 1)
      : key.sign(data, c.key === 'rsa' ? 'sha1' : undefined);
    expect(
      verifyUserSignature({
        algo: c.algo,
        keyBlob: key.getPublicSSH(),
        blob: data,
        signature,
        hashAlgo: c.hashAlgo,
      }),
    ).toBe(false);
  });

  it('refuses a signature made over other data, or with no signed data', () => {
    const signature = ed.sign(Buffer.from('other'));
    expect(
      verifyUserSignature({
        algo: 'ssh-ed25519',
        keyBlob: ed.getPublicSSH(),
        blob: data,
        signature,
        hashAlgo: undefined,
      }),
    ).toBe(false);
    expect(
      verifyUserSignature({
        algo: 'ssh-ed25519',
        keyBlob: ed.getPublicSSH(),
        blob: undefined,
        signature,
        hashAlgo: undefined,
      }),
    ).toBe(false);
  });
});
