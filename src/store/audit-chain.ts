/**
 * The tamper-evident audit chain: hash = sha256_hex(prev_hash + canonicalJson({seq, ts, actor,
 * type, payload[, node]})); the first event's prev_hash is 64 zeros. The payload column holds the
 * canonical JSON text itself, so any edit of a stored byte shows. `node` (issue 17, migration 19)
 * is hashed only when the event has one, so every event written before it verifies unchanged.
 */
import { createHash } from 'node:crypto';
import type { AuditEvent } from '../core/audit-events.js';
import { canonicalJson, type JsonValue } from '../core/canonical-json.js';
import type { AuditRecord, EpochMs } from '../core/model.js';
import type { SqlConnection } from './sql-connection.js';
import { auditFromRow, type AuditRow } from './rows.js';
import { writerNodeOf } from './writer-node.js';

export const GENESIS_HASH = '0'.repeat(64);

export interface ChainFields {
  readonly seq: number;
  readonly ts: EpochMs;
  readonly actor: string;
  readonly type: string;
  readonly payload: JsonValue;
  /** The node that wrote it; null (or absent) for events without one. */
  readonly node?: string | null;
}

export function chainHash(prevHash: string, fields: ChainFields): string {
  const canonical = canonicalJson({
    seq: fields.seq,
    ts: fields.ts,
    actor: fields.actor,
    type: fields.type,
    payload: fields.payload,
    ...(fields.node == null ? {} : { node: fields.node }),
  });
  return createHash('sha256')
    .update(prevHash + canonical, 'utf8')
    .digest('hex');
}

/** Appends one event. Must run inside the caller's write transaction (it reads the last row). */
export async function appendAuditEvent(
  db: SqlConnection,
  event: AuditEvent,
  actor: string,
  ts: EpochMs,
): Promise<AuditRecord> {
  const last = await db.get<{ seq: number; hash: string }>(
    'SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1',
  );
  const seq = (last?.seq ?? 0) + 1;
  const prevHash = last?.hash ?? GENESIS_HASH;
  const node = writerNodeOf(db);
  const { type, payload } = event;
  const hash = chainHash(prevHash, { seq, ts, actor, type, payload, node });
  const row = await db.get<AuditRow>(
    `INSERT INTO audit_events (seq, ts, actor, type, payload, prev_hash, hash, node)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
    [seq, ts, actor, type, canonicalJson(payload), prevHash, hash, node],
  );
  if (!row) throw new Error('audit insert returned no row');
  return auditFromRow(row);
}

export type ChainCheck =
  | {
      readonly ok: true;
      readonly count: number;
      readonly lastSeq: number;
      readonly lastHash: string;
    }
  | { readonly ok: false; readonly count: number; readonly seq: number; readonly problem: string };

/** Where a verification walk stands between batches of rows. */
export interface ChainCursor {
  readonly count: number;
  readonly lastSeq: number;
  readonly lastHash: string;
}

export const CHAIN_START: ChainCursor = { count: 0, lastSeq: 0, lastHash: GENESIS_HASH };

function parsePayload(text: string): JsonValue | undefined {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return undefined;
  }
}

/** Checks rows (in seq order) that follow `cursor`; reports the first broken seq. */
export function checkChain(cursor: ChainCursor, rows: readonly AuditRow[]): ChainCheck {
  let { count, lastSeq, lastHash } = cursor;
  for (const row of rows) {
    const broken = (problem: string): ChainCheck => ({ ok: false, count, seq: row.seq, problem });
    if (row.seq !== lastSeq + 1)
      return broken(`seq gap: expected ${lastSeq + 1}, found ${row.seq}`);
    if (row.prev_hash !== lastHash) return broken('prev_hash does not match the previous event');
    const payload = parsePayload(row.payload);
    if (payload === undefined) return broken('payload is not valid JSON');
    if (canonicalJson(payload) !== row.payload) return broken('payload is not in canonical form');
    const expected = chainHash(row.prev_hash, {
      seq: row.seq,
      ts: row.ts,
      actor: row.actor,
      type: row.type,
      payload,
      node: row.node,
    });
    if (expected !== row.hash) return broken('hash does not match the event');
    count += 1;
    lastSeq = row.seq;
    lastHash = row.hash;
  }
  return { ok: true, count, lastSeq, lastHash };
}
