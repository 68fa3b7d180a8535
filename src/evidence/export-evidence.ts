/**
 * `gatehouse evidence export`: one tar holding what an auditor needs to check a grant offline
 * (docs/evidence.md). The chain is walked twice (audit-segment.ts): once to find the events
 * about the grant and the head, once to copy the segment from the first of them to the signed
 * checkpoint into a staging file beside the output. The file is written under a temporary name,
 * checked with the same verifier an auditor runs, put on the record (`evidence.export`), and only
 * then given its name; a failure anywhere leaves nothing behind.
 */
import { createHash, randomBytes } from 'node:crypto';
import { open, unlink } from 'node:fs/promises';
import type { AuditCheckpoint, ChainPoint } from '../core/audit-checkpoint.js';
import { auditEvents } from '../core/audit-events.js';
import { GatehouseError } from '../core/errors.js';
import type { Clock } from '../core/clock.js';
import type { Grant, Nda } from '../core/model.js';
import type { Actor, Store } from '../core/ports.js';
import type { Keyring } from '../keys/keyring.js';
import { signBase64, type SigningKey } from '../keys/signing-key.js';
import { EvidenceProblem } from './evidence-problem.js';
import {
  castMember,
  CHECKPOINT_MEMBER,
  EVENTS_MEMBER,
  EVIDENCE_FORMAT,
  EVIDENCE_VERSION,
  GRANT_MEMBER,
  INDEX_MEMBER,
  indexSignedBytes,
  jsonMemberText,
  keptMember,
  manifestMember,
  NDA_MEMBER,
  transfersMember,
  type EvidenceMember,
  type UnsignedIndex,
} from './evidence-index.js';
import { exists, outputExists, publish } from './publish-file.js';
import { RecordingReads, recordingStoreOf } from '../recording/recording-store.js';
import {
  keptCopies,
  sessionFiles,
  type RecordingDeps,
  type SessionFiles,
} from './session-files.js';
import { transferLogs, type TransferLogs } from './transfer-log-member.js';
import { UstarWriter } from './ustar.js';
import { findAbout, writeSegment, type Segment } from './audit-segment.js';
import { verifyEvidence, type EvidenceSummary } from './verify-evidence.js';

/**
 * Where the checkpoint that closes the segment comes from: it must cover `lastAboutSeq` (the last
 * event about the grant) and be at or before `head`. cli/evidence.ts answers with the first stored
 * one that does, else a new one (stored and sent to the sinks like any checkpoint).
 */
export type CheckpointSource = (need: {
  readonly lastAboutSeq: number;
  readonly head: ChainPoint;
}) => Promise<AuditCheckpoint>;

export interface ExportDeps extends RecordingDeps {
  /** Signs the index (and, through `checkpoint`, usually the checkpoint). */
  readonly signingKey: SigningKey;
  readonly checkpoint: CheckpointSource;
  readonly clock: Clock;
}

export interface ExportRequest {
  readonly grantId: number;
  readonly output: string;
  readonly force: boolean;
  /** Export sessions whose recording is missing, marked in the index (verify then fails). */
  readonly allowMissing: boolean;
  readonly actor: Actor;
}

export interface ExportResult {
  readonly sha256: string;
  readonly bytes: number;
  readonly summary: EvidenceSummary;
  /** `<session id>: <why>` for each session exported without its recording. */
  readonly gaps: readonly string[];
}

/** The database rows the file carries as nda.json and grant.json. */
interface Rows {
  readonly grant: Grant;
  readonly nda: Nda;
}

async function loadRows(store: Store, grantId: number): Promise<Rows> {
  const grant = await store.grants.get(grantId as Grant['id']);
  if (grant === null)
    throw new GatehouseError('not_found', `evidence: no grant with id ${grantId}`);
  const nda = await store.ndas.get(grant.ndaId);
  if (nda === null)
    throw new GatehouseError(
      'not_found',
      `evidence: grant ${grantId} names NDA ${grant.ndaId}, which does not exist`,
    );
  return { grant, nda };
}

/** The OpenSSH line of a bastion key; the current signing key is always in the keyring. */
function publicKeyLine(keyring: Keyring, keyId: string): string {
  const key = keyring.lookup(keyId);
  if (key === undefined)
    throw new GatehouseError('config', `evidence: the keyring has no public key ${keyId}`);
  return key.publicLine;
}

/** A member to write: bytes in memory, or a file copied as it is (its hash known beforehand). */
type Planned =
  | { readonly name: string; readonly data: Buffer }
  | {
      readonly name: string;
      readonly file: string;
      readonly sha256: string;
      readonly bytes: number;
    };

const jsonBytes = (value: unknown): Buffer => Buffer.from(jsonMemberText(value), 'utf8');

const listed = (p: Planned): EvidenceMember =>
  'data' in p
    ? {
        name: p.name,
        sha256: createHash('sha256').update(p.data).digest('hex'),
        bytes: p.data.length,
      }
    : { name: p.name, sha256: p.sha256, bytes: p.bytes };

function signedIndex(key: SigningKey, unsigned: UnsignedIndex): Buffer {
  const signature = signBase64(key, indexSignedBytes(unsigned));
  return jsonBytes({ ...unsigned, signature });
}

/** The tar at `file` (new, 0600): the index, then the planned members; its sha256 and size. */
async function writeTar(
  file: string,
  mtimeSec: number,
  index: Buffer,
  planned: readonly Planned[],
): Promise<{ sha256: string; bytes: number }> {
  const whole = createHash('sha256');
  let bytes = 0;
  const fh = await open(file, 'wx', 0o600);
  try {
    const tar = new UstarWriter(fh, mtimeSec, (chunk) => {
      whole.update(chunk);
      bytes += chunk.length;
    });
    await tar.addBuffer(INDEX_MEMBER, index);
    for (const p of planned) {
      if ('data' in p) await tar.addBuffer(p.name, p.data);
      else await tar.addFile(p.name, p.file, p.bytes);
    }
    await tar.finish();
    await fh.sync();
  } finally {
    await fh.close();
  }
  return { sha256: whole.digest('hex'), bytes };
}

/** A session's recording pair and the kept copies its manifest lists, unless it is a gap. */
const recordingMembers = (f: SessionFiles): Planned[] =>
  'gap' in f
    ? []
    : [
        { name: manifestMember(f.sessionId), data: f.manifestText },
        {
          name: castMember(f.sessionId),
          file: f.castPath,
          sha256: f.manifest.sha256,
          bytes: f.manifest.bytes,
        },
        ...keptCopies(f.castPath, f.manifest).map((copy) => ({
          name: keptMember(f.sessionId, copy.file),
          file: copy.path,
          sha256: copy.sha256,
          bytes: copy.bytes,
        })),
      ];

/** The members after the index, in the order the index lists them (evidence-index.ts). */
function planMembers(
  cp: AuditCheckpoint,
  segment: Segment,
  staging: string,
  rows: Rows,
  files: readonly SessionFiles[],
  logs: TransferLogs,
): Planned[] {
  return [
    { name: CHECKPOINT_MEMBER, data: jsonBytes(cp) },
    { name: EVENTS_MEMBER, file: staging, sha256: segment.sha256, bytes: segment.bytes },
    { name: NDA_MEMBER, data: jsonBytes(rows.nda) },
    { name: GRANT_MEMBER, data: jsonBytes(rows.grant) },
    ...files.flatMap((f): Planned[] => {
      const log = logs.get(f.sessionId);
      return [
        ...recordingMembers(f),
        ...(log === undefined
          ? []
          : [
              {
                name: transfersMember(f.sessionId),
                data: jsonBytes({ sessionId: f.sessionId, entries: log }),
              },
            ]),
      ];
    }),
  ];
}

/** The index before its signature: the signer's key first, then each manifest's. */
function unsignedIndex(
  deps: ExportDeps,
  createdAt: number,
  rows: Rows,
  segment: Segment,
  files: readonly SessionFiles[],
  logs: TransferLogs,
  planned: readonly Planned[],
): UnsignedIndex {
  const keyIds = [
    deps.signingKey.keyId,
    ...files.flatMap((f) => ('gap' in f ? [] : [f.key.keyId])),
  ];
  return {
    format: EVIDENCE_FORMAT,
    v: EVIDENCE_VERSION,
    createdAt,
    grantId: rows.grant.id,
    ndaId: rows.nda.id,
    segment: { firstSeq: segment.firstSeq, lastSeq: segment.lastSeq },
    aboutGrant: segment.aboutGrant,
    sessions: files.map((f) => {
      const kept = 'gap' in f ? [] : keptCopies(f.castPath, f.manifest).map((e) => e.file);
      return {
        ...('gap' in f
          ? { sessionId: f.sessionId, keyId: null, gap: f.gap }
          : { sessionId: f.sessionId, keyId: f.key.keyId, gap: null }),
        ...(logs.has(f.sessionId) ? { transfers: true as const } : {}),
        ...(kept.length > 0 ? { kept } : {}),
      };
    }),
    keys: [...new Set(keyIds)].map((keyId) => ({
      keyId,
      publicKey: publicKeyLine(deps.keyring, keyId),
    })),
    members: planned.map(listed),
  };
}

/** The written file must pass the auditor's own check before anyone else sees it. */
async function auditorsCheck(
  file: string,
  deps: ExportDeps,
  allowMissing: boolean,
): Promise<EvidenceSummary> {
  try {
    return await verifyEvidence(file, {
      pinnedKeyId: deps.signingKey.keyId,
      allowGaps: allowMissing,
    });
  } catch (e) {
    if (e instanceof EvidenceProblem)
      throw new GatehouseError(
        'refused',
        `evidence: the exported file fails its own check: ${e.item}: ${e.problem}`,
      );
    throw e;
  }
}

export async function exportEvidence(deps: ExportDeps, req: ExportRequest): Promise<ExportResult> {
  const { store } = deps;
  const rows = await loadRows(store, req.grantId);
  const { grant } = rows;
  if (!req.force && (await exists(req.output))) throw outputExists(req.output);
  const about = await findAbout(store, grant);
  const cp = await deps.checkpoint({ lastAboutSeq: about.last, head: about.head });
  if (cp.seq < about.last || cp.seq > about.head.seq)
    throw new GatehouseError(
      'internal',
      `evidence: checkpoint seq ${cp.seq} does not cover seq ${about.last}`,
    );

  const tmp = `${req.output}.${randomBytes(6).toString('hex')}.tmp`;
  const staging = `${tmp}.events`;
  const reads = new RecordingReads(recordingStoreOf(deps));
  try {
    const segment = await writeSegment(store, grant, about.first, cp, staging);
    const files = await Promise.all(segment.sessionIds.map((id) => sessionFiles(deps, id, reads)));
    // A pruned recording is no gap: the segment holds its recording.pruned.
    const gaps = files.flatMap((f) =>
      'gap' in f && f.pruned !== true ? [`${f.sessionId}: ${f.gap}`] : [],
    );
    if (gaps.length > 0 && !req.allowMissing)
      throw new GatehouseError(
        'refused',
        `evidence: session ${gaps[0]}; give --allow-missing to export without it (verify will report the gap)`,
      );

    const logs = await transferLogs(store, segment.sessionIds);
    const planned = planMembers(cp, segment, staging, rows, files, logs);
    const createdAt = deps.clock.now();
    const index = signedIndex(
      deps.signingKey,
      unsignedIndex(deps, createdAt, rows, segment, files, logs, planned),
    );
    const { sha256, bytes } = await writeTar(tmp, Math.floor(createdAt / 1000), index, planned);
    const summary = await auditorsCheck(tmp, deps, req.allowMissing);
    await store.audit.append(
      auditEvents.evidenceExport({
        grantId: grant.id,
        sha256,
        bytes,
        throughSeq: cp.seq,
        sessionCount: files.length,
        missingRecordings: gaps.length,
      }),
      req.actor,
    );
    await publish(tmp, req.output, req.force);
    return { sha256, bytes, summary, gaps };
  } finally {
    await reads.release();
    await unlink(staging).catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
  }
}
