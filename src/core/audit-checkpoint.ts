/**
 * Signed checkpoints of the audit chain: the chain head (seq, hash) at a time, signed with the
 * bastion's Ed25519 host key and kept both in the database and in an external sink. The chain
 * alone only shows edits in the middle; a checkpoint also shows a cut tail or a re-hashed chain,
 * up to the last checkpoint. This module is the pure contract (shape, signed bytes, the check);
 * signing with a key lives in keys/checkpoint-signature.ts.
 */
import { canonicalJson } from './canonical-json.js';

const CHECKPOINT_KIND = 'gatehouse-audit-checkpoint';
const CHECKPOINT_VERSION = 1;

export interface AuditCheckpoint {
  readonly seq: number;
  /** Hex chain hash of the event at `seq`. */
  readonly hash: string;
  /** Epoch ms when it was signed. */
  readonly at: number;
  /** `SHA256:` + unpadded base64 of sha256 of the ssh wire-format public key (OpenSSH fingerprint). */
  readonly keyId: string;
  /** base64 Ed25519 signature over `checkpointSignedText`. */
  readonly signature: string;
}

export type UnsignedCheckpoint = Omit<AuditCheckpoint, 'signature'>;

/** The text whose UTF-8 bytes are signed. Never change it for version 1. */
export function checkpointSignedText(cp: UnsignedCheckpoint): string {
  return canonicalJson({
    kind: CHECKPOINT_KIND,
    v: CHECKPOINT_VERSION,
    seq: cp.seq,
    hash: cp.hash,
    at: cp.at,
    keyId: cp.keyId,
  });
}

export function checkpointSignedBytes(cp: UnsignedCheckpoint): Uint8Array {
  return new TextEncoder().encode(checkpointSignedText(cp));
}

/** One event of the chain as a checkpoint sees it. */
export interface ChainPoint {
  readonly seq: number;
  readonly hash: string;
}

/** What a keyring says about a checkpoint's signature. */
export type SignatureCheck = 'valid' | 'unknown_key' | 'bad_signature' | 'signed_after_retirement';

export type CheckpointProblem =
  | {
      readonly kind: 'signature';
      /** The checkpoint's seq. */
      readonly seq: number;
      readonly check: Exclude<SignatureCheck, 'valid'>;
      readonly keyId: string;
    }
  | {
      readonly kind: 'truncated';
      /** The first missing event: the chain's last seq + 1. */
      readonly seq: number;
      /** The highest signed checkpoint beyond the chain's end. */
      readonly checkpointSeq: number;
    }
  | {
      readonly kind: 'rewritten';
      /** The first event that may differ: one after the last matching checkpoint before it. */
      readonly seq: number;
      /** The signed checkpoint whose hash the chain no longer has. */
      readonly checkpointSeq: number;
    };

export interface CheckpointReport {
  /** Every problem found, at most one per checkpoint, ordered by category then seq. */
  readonly problems: readonly CheckpointProblem[];
  /** Checkpoints with a valid signature that match the chain. */
  readonly verified: number;
  /** The highest checkpoint that verified and matched; 0 when none. */
  readonly coveredSeq: number;
}

const wellFormed = (cp: AuditCheckpoint): boolean =>
  Number.isSafeInteger(cp.seq) &&
  cp.seq >= 1 &&
  /^[0-9a-f]{64}$/.test(cp.hash) &&
  Number.isSafeInteger(cp.at) &&
  typeof cp.keyId === 'string' &&
  typeof cp.signature === 'string';

/** A checkpoint read from outside (a sink file line, a JSON body) in its exact shape, or null. */
export function parseCheckpoint(value: unknown): AuditCheckpoint | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const v = value as Record<string, unknown>;
  const cp = {
    seq: v['seq'],
    hash: v['hash'],
    at: v['at'],
    keyId: v['keyId'],
    signature: v['signature'],
  } as AuditCheckpoint;
  return wellFormed(cp) ? cp : null;
}

/**
 * Checks signed checkpoints against the chain: `lastSeq` is the chain's last event (0 when
 * empty), `points` holds at least the (seq, hash) of every checkpointed seq that exists. The chain
 * itself must have been walked already (audit-chain.ts checkChain): a checkpoint proves which
 * head was there, the walk that everything before a head still hashes to it. A checkpoint whose
 * signature does not verify proves nothing and is reported, not used.
 */
export function checkCheckpoints(
  checkpoints: readonly AuditCheckpoint[],
  lastSeq: number,
  points: Iterable<ChainPoint>,
  signature: (cp: AuditCheckpoint) => SignatureCheck,
): CheckpointReport {
  const hashAt = new Map<number, string>();
  for (const p of points) hashAt.set(p.seq, p.hash);
  // The same checkpoint read from the database and from the sink counts once.
  const unique = new Map(checkpoints.map((cp) => [checkpointSignedText(cp) + cp.signature, cp]));
  const bySeq = [...unique.values()].sort((a, b) => a.seq - b.seq || a.at - b.at);
  const signatureProblems: CheckpointProblem[] = [];
  const truncated: CheckpointProblem[] = [];
  const rewritten: CheckpointProblem[] = [];
  let verified = 0;
  let matched = 0;
  for (const cp of bySeq) {
    const check = wellFormed(cp) ? signature(cp) : 'bad_signature';
    if (check !== 'valid') {
      signatureProblems.push({ kind: 'signature', seq: cp.seq, check, keyId: String(cp.keyId) });
      continue;
    }
    if (cp.seq > lastSeq) {
      truncated.push({ kind: 'truncated', seq: lastSeq + 1, checkpointSeq: cp.seq });
    } else if (hashAt.get(cp.seq) !== cp.hash) {
      rewritten.push({ kind: 'rewritten', seq: matched + 1, checkpointSeq: cp.seq });
    } else {
      verified += 1;
      matched = cp.seq;
    }
  }
  // One truncation: name the first missing event and the furthest checkpoint beyond the end.
  const lastTruncated = truncated.at(-1);
  return {
    problems: [...signatureProblems, ...rewritten, ...(lastTruncated ? [lastTruncated] : [])],
    verified,
    coveredSeq: matched,
  };
}

/** The first problem of each category, in a stable order: signature, rewritten, truncated. */
export function firstProblemPerKind(problems: readonly CheckpointProblem[]): CheckpointProblem[] {
  const seen = new Set<CheckpointProblem['kind']>();
  return problems.filter((p) => !seen.has(p.kind) && seen.add(p.kind));
}
