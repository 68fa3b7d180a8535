/**
 * The audit chain segment an evidence file carries (docs/evidence.md): pass 1 finds the events
 * about the grant and the head; pass 2 copies the rows from the grant's first event to the
 * signed checkpoint into a staging file, one canonical line each.
 */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import type { AuditCheckpoint, ChainPoint } from '../core/audit-checkpoint.js';
import { GatehouseError } from '../core/errors.js';
import type { AuditRecord, Grant } from '../core/model.js';
import type { Store } from '../core/ports.js';
import { GrantScope } from './grant-scope.js';
import { segmentLine } from './segment-check.js';

/** Audit rows per read: bounded memory however long the chain. */
const PAGE = 1000;

async function* chainFrom(store: Store, afterSeq: number): AsyncGenerator<AuditRecord> {
  for (let after = afterSeq; ;) {
    const page = await store.audit.page(after, PAGE);
    if (page.length === 0) return;
    yield* page;
    after = page.at(-1)?.seq ?? after;
  }
}

/** Pass 1: the seqs about the grant and the head of the chain. */
export async function findAbout(
  store: Store,
  grant: Grant,
): Promise<{ first: number; last: number; head: ChainPoint }> {
  const scope = new GrantScope(grant.id, grant.ndaId);
  let first = 0;
  let last = 0;
  let head: ChainPoint | null = null;
  for await (const r of chainFrom(store, 0)) {
    if (scope.about(r.type, r.payload)) {
      if (first === 0) first = r.seq;
      last = r.seq;
    }
    head = { seq: r.seq, hash: r.hash };
  }
  if (head === null || first === 0)
    throw new GatehouseError(
      'refused',
      `evidence: the audit chain has no events about grant ${grant.id}`,
    );
  return { first, last, head };
}

export interface Segment {
  /** The seqs it runs over: the grant's first event to the checkpoint's. */
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly sha256: string;
  readonly bytes: number;
  readonly aboutGrant: number[];
  readonly sessionIds: readonly string[];
}

/** Pass 2: the rows first..checkpoint.seq into `file`, one canonical line each. */
export async function writeSegment(
  store: Store,
  grant: Grant,
  first: number,
  cp: AuditCheckpoint,
  file: string,
): Promise<Segment> {
  const scope = new GrantScope(grant.id, grant.ndaId);
  const hash = createHash('sha256');
  const aboutGrant: number[] = [];
  let bytes = 0;
  let lastHash = '';
  const fh = await open(file, 'wx', 0o600);
  try {
    for await (const r of chainFrom(store, first - 1)) {
      if (r.seq > cp.seq) break;
      const line = Buffer.from(segmentLine(r), 'utf8');
      hash.update(line);
      bytes += line.length;
      await fh.write(line);
      if (scope.about(r.type, r.payload)) aboutGrant.push(r.seq);
      lastHash = r.hash;
    }
  } finally {
    await fh.close();
  }
  if (lastHash !== cp.hash)
    throw new GatehouseError(
      'refused',
      `evidence: the audit chain at seq ${cp.seq} is not what the checkpoint signed`,
    );
  return {
    firstSeq: first,
    lastSeq: cp.seq,
    sha256: hash.digest('hex'),
    bytes,
    aboutGrant,
    sessionIds: scope.sessionIds,
  };
}
