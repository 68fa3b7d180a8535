import ssh2 from 'ssh2';

/** What ssh2 hands the server for a signed publickey attempt (PublicKeyAuthContext's fields). */
export interface SignedAttempt {
  /** The key algorithm the client named, as ssh2 reports it (`ssh-rsa` for rsa-sha2-*). */
  readonly algo: string;
  /** The public key blob the client sent. */
  readonly keyBlob: Buffer;
  /** The data the signature covers (session id + request), built by ssh2. */
  readonly blob: Buffer | undefined;
  readonly signature: Buffer;
  /** `sha256`/`sha512` for rsa-sha2-256/512, undefined otherwise. */
  readonly hashAlgo: string | undefined;
}

const RSA_HASHES = new Set(['sha256', 'sha512']);

/**
 * True only when the signature verifies for the key in the blob, under the algorithm that key
 * really has. Fails closed: ssh2's verify() returns an Error (truthy) when it throws — e.g. a
 * client naming `rsa-sha2-256` for an ed25519 key makes it throw "invalid digest" — so anything
 * but `true` is a refusal. SHA-1 `ssh-rsa` signatures are refused (modern algorithms only).
 */
export function verifyUserSignature(attempt: SignedAttempt): boolean {
  if (attempt.blob === undefined) return false;
  const parsed = ssh2.utils.parseKey(attempt.keyBlob);
  if (parsed instanceof Error || Array.isArray(parsed)) return false;
  if (parsed.type !== attempt.algo) return false;
  if (parsed.type === 'ssh-rsa') {
    if (attempt.hashAlgo === undefined || !RSA_HASHES.has(attempt.hashAlgo)) return false;
  } else if (attempt.hashAlgo !== undefined) {
    return false;
  }
  try {
    return parsed.verify(attempt.blob, attempt.signature, attempt.hashAlgo) === true;
  } catch {
    return false;
  }
}
