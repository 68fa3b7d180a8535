/** An Ed25519 public KeyObject as its OpenSSH line (`ssh-ed25519 AAAA…`), the form auditors compare. */
import type { KeyObject } from 'node:crypto';

const sshString = (data: Buffer): Buffer => {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  return Buffer.concat([length, data]);
};

export function sshEd25519Line(publicKey: KeyObject): string {
  const jwk = publicKey.export({ format: 'jwk' });
  if (jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string')
    throw new Error('not an Ed25519 public key');
  const blob = Buffer.concat([
    sshString(Buffer.from('ssh-ed25519')),
    sshString(Buffer.from(jwk.x, 'base64url')),
  ]);
  return `ssh-ed25519 ${blob.toString('base64')}`;
}
