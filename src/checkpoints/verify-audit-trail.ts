/**
 * `gatehouse audit verify` and doctor: the hash chain walked end to end, then every signed
 * checkpoint (from the database, and from the sink file when given) checked against it. One
 * line per kind of problem, each naming the first bad seq.
 */
import {
  checkCheckpoints,
  firstProblemPerKind,
  type AuditCheckpoint,
  type CheckpointProblem,
  type CheckpointReport,
} from '../core/audit-checkpoint.js';
import type { AuditVerification, Store } from '../core/ports.js';
import { checkpointSignatureCheck } from '../keys/checkpoint-signature.js';
import type { Keyring } from '../keys/keyring.js';
import type { CheckpointFile } from './checkpoint-file.js';

export interface AuditTrailCheck {
  readonly chain: AuditVerification;
  /** The chain's last seq (0 when empty). */
  readonly lastSeq: number;
  readonly checkpoints: CheckpointReport;
  /** Checkpoints looked at: database rows plus file lines. */
  readonly checkpointCount: number;
  readonly file: (CheckpointFile & { readonly path: string }) | null;
}

/**
 * `keyring` is loaded only when there is a checkpoint to check (a chain alone needs no key);
 * `chain` is a walk the caller already did.
 */
export async function verifyAuditTrail(
  store: Pick<Store, 'audit' | 'checkpoints'>,
  keyring: () => Promise<Keyring>,
  file: (CheckpointFile & { readonly path: string }) | null = null,
  chain: AuditVerification | undefined = undefined,
): Promise<AuditTrailCheck> {
  chain ??= await store.audit.verify();
  const head = await store.audit.head();
  const stored = await store.checkpoints.list();
  const all: AuditCheckpoint[] = [...stored, ...(file?.checkpoints ?? [])];
  const points = await store.audit.points(all.map((cp) => cp.seq));
  const lastSeq = head?.seq ?? 0;
  return {
    chain,
    lastSeq,
    checkpoints:
      all.length === 0
        ? { problems: [], verified: 0, coveredSeq: 0 }
        : checkCheckpoints(all, lastSeq, points, checkpointSignatureCheck(await keyring())),
    checkpointCount: all.length,
    file,
  };
}

/** One kind of problem: its one line (no prefix) and the first bad seq it names (null: none). */
export interface TrailProblem {
  readonly seq: number | null;
  readonly text: string;
}

function problemOf(p: CheckpointProblem): TrailProblem {
  switch (p.kind) {
    case 'signature': {
      const why =
        p.check === 'unknown_key'
          ? `signed by a key not in the keyring (${p.keyId})`
          : p.check === 'signed_after_retirement'
            ? `dated after its key ${p.keyId} was retired`
            : 'bad signature';
      return {
        seq: p.seq,
        text: `checkpoint at seq ${p.seq} cannot be verified: ${why}; first bad seq ${p.seq}`,
      };
    }
    case 'rewritten': {
      const where =
        p.seq === p.checkpointSeq ? `${p.seq}` : `between ${p.seq} and ${p.checkpointSeq}`;
      return {
        seq: p.seq,
        text: `chain rewritten: event ${p.checkpointSeq} differs from its signed checkpoint; first bad seq ${where}`,
      };
    }
    case 'truncated':
      return {
        seq: p.seq,
        text: `chain truncated: a signed checkpoint names seq ${p.checkpointSeq} but the chain ends at seq ${p.seq - 1}; first bad seq ${p.seq}`,
      };
  }
}

/** One problem per kind, in a fixed order (empty when all is well). */
export function auditTrailProblems(check: AuditTrailCheck): TrailProblem[] {
  const chain: TrailProblem[] = check.chain.ok
    ? []
    : [
        {
          seq: check.chain.seq,
          text: `chain broken at seq ${check.chain.seq}: ${check.chain.problem}`,
        },
      ];
  return [...chain, ...checkpointProblems(check)];
}

/** The problems the signed checkpoints (and the sink file) show, without the chain walk's own. */
export function checkpointProblems(check: AuditTrailCheck): TrailProblem[] {
  const problems: TrailProblem[] = [];
  const [firstBad] = check.file?.badLines ?? [];
  if (firstBad !== undefined && check.file !== null)
    problems.push({
      seq: null,
      text: `${check.file.path}: line ${firstBad} is not a checkpoint (${check.file.badLines.length} such line${check.file.badLines.length === 1 ? '' : 's'})`,
    });
  problems.push(...firstProblemPerKind(check.checkpoints.problems).map(problemOf));
  return problems;
}

/** What is and is not covered, for a passing check. */
export function auditTrailSummary(check: AuditTrailCheck): string {
  const { count } = check.chain;
  const events = `${count} event${count === 1 ? '' : 's'}`;
  const { verified, coveredSeq } = check.checkpoints;
  if (verified === 0)
    return count === 0
      ? `ok ${events}`
      : `ok ${events}; no signed checkpoint yet (gatehouse serve writes them), so a cut tail or a re-hashed chain would not show`;
  const uncovered = check.lastSeq - coveredSeq;
  return `ok ${events}; ${verified} signed checkpoint${verified === 1 ? '' : 's'} match, the last at seq ${coveredSeq}${
    uncovered > 0
      ? ` (${uncovered} newer event${uncovered === 1 ? '' : 's'} not yet checkpointed)`
      : ''
  }`;
}
