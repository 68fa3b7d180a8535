/** Signing and verifying audit checkpoints (core/audit-checkpoint.ts) with Ed25519 key objects. */
import { sign, verify } from 'node:crypto';
import {
  checkpointSignedBytes,
  type AuditCheckpoint,
  type ChainPoint,
  type SignatureCheck,
} from '../core/audit-checkpoint.js';
import type { Keyring } from './keyring.js';
import type { SigningKey } from './signing-key.js';

export function signCheckpoint(head: ChainPoint, at: number, key: SigningKey): AuditCheckpoint {
  const unsigned = { seq: head.seq, hash: head.hash, at, keyId: key.keyId };
  const signature = sign(null, checkpointSignedBytes(unsigned), key.privateKey);
  return { ...unsigned, signature: signature.toString('base64') };
}

/** The signature check `checkCheckpoints` needs, against the keys of `keyring`. */
export function checkpointSignatureCheck(
  keyring: Keyring,
): (cp: AuditCheckpoint) => SignatureCheck {
  return (cp) => {
    const key = keyring.lookup(cp.keyId);
    if (key === undefined) return 'unknown_key';
    try {
      const ok = verify(
        null,
        checkpointSignedBytes(cp),
        key.publicKey,
        Buffer.from(cp.signature, 'base64'),
      );
      return ok ? 'valid' : 'bad_signature';
    } catch {
      return 'bad_signature';
    }
  };
}
