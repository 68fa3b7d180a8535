/** Signing and verifying audit checkpoints (core/audit-checkpoint.ts) with Ed25519 key objects. */
import {
  checkpointSignedBytes,
  type AuditCheckpoint,
  type ChainPoint,
  type SignatureCheck,
} from '../core/audit-checkpoint.js';
import type { Keyring } from './keyring.js';
import { signBase64, verifiesBase64, type SigningKey } from './signing-key.js';

export function signCheckpoint(head: ChainPoint, at: number, key: SigningKey): AuditCheckpoint {
  const unsigned = { seq: head.seq, hash: head.hash, at, keyId: key.keyId };
  return { ...unsigned, signature: signBase64(key, checkpointSignedBytes(unsigned)) };
}

/** The signature check `checkCheckpoints` needs, against the keys of `keyring`. */
export function checkpointSignatureCheck(
  keyring: Keyring,
): (cp: AuditCheckpoint) => SignatureCheck {
  return (cp) => {
    const key = keyring.lookup(cp.keyId);
    if (key === undefined) return 'unknown_key';
    if (!verifiesBase64(key, checkpointSignedBytes(cp), cp.signature)) return 'bad_signature';
    // A retired key vouches only for heads it signed before it was retired (keyring.ts).
    return key.retiredAt !== null && cp.at > key.retiredAt ? 'signed_after_retirement' : 'valid';
  };
}
