/**
 * `audit/events.jsonl`: a contiguous segment of the audit chain, one row per line in canonical
 * JSON — {seq, ts, actor, type, payload (the stored canonical text), prevHash, hash}, and `node`
 * when the event has one (issue 17). The check recomputes every hash as `gatehouse audit verify`
 * does (store/audit-chain.ts `checkChain`, node included by the same rule), line by line as the
 * bytes stream in, and keeps only the events about the grant.
 */
import type { ChainCursor } from '../store/audit-chain.js';
import { checkChain } from '../store/audit-chain.js';
import { canonicalJson, type JsonValue } from '../core/canonical-json.js';
import type { AuditRecord } from '../core/model.js';
import { EvidenceProblem } from './evidence-problem.js';
import { EVENTS_MEMBER } from './evidence-index.js';
import type { GrantScope } from './grant-scope.js';

/** A row is at most this long (audit payloads are bounded far below it). */
export const MAX_EVENT_LINE_BYTES = 1024 * 1024;

/** An event about the grant, as the segment holds it. */
export interface SegmentEvent {
  readonly seq: number;
  readonly ts: number;
  readonly actor: string;
  readonly type: string;
  readonly payload: Readonly<Record<string, unknown>>;
}

export interface SegmentSummary {
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly lastHash: string;
  readonly count: number;
  readonly about: readonly SegmentEvent[];
}

const ROW_KEYS = 'actor,hash,payload,prevHash,seq,ts,type';
const ROW_KEYS_WITH_NODE = 'actor,hash,node,payload,prevHash,seq,ts,type';

interface LineRow {
  readonly seq: number;
  readonly ts: number;
  readonly actor: string;
  readonly type: string;
  readonly payload: string;
  readonly prevHash: string;
  readonly hash: string;
  readonly node?: string | null;
}

/** A row's line text (without the newline): canonical JSON of its seven fields, and its node. */
const rowText = (r: LineRow): string =>
  canonicalJson({
    seq: r.seq,
    ts: r.ts,
    actor: r.actor,
    type: r.type,
    payload: r.payload,
    prevHash: r.prevHash,
    hash: r.hash,
    ...(r.node == null ? {} : { node: r.node }),
  });

/** One audit row as its line in the segment, the payload as the canonical text its hash covers. */
export function segmentLine(r: AuditRecord): string {
  return `${rowText({ ...r, payload: canonicalJson(r.payload as JsonValue) })}\n`;
}

function parseRow(text: string): LineRow | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return null;
  const r = v as Record<string, unknown>;
  const keys = Object.keys(r).sort().join(',');
  const typed =
    (keys === ROW_KEYS || (keys === ROW_KEYS_WITH_NODE && typeof r['node'] === 'string')) &&
    Number.isSafeInteger(r['seq']) &&
    Number.isSafeInteger(r['ts']) &&
    typeof r['actor'] === 'string' &&
    typeof r['type'] === 'string' &&
    typeof r['payload'] === 'string' &&
    typeof r['prevHash'] === 'string' &&
    typeof r['hash'] === 'string';
  return typed ? (r as unknown as LineRow) : null;
}

/** Checks the segment as a stream of bytes (a tar MemberSink); `summary()` after `end()`. */
export class SegmentCheck {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private lineNo = 0;
  private cursor: ChainCursor | null = null;
  private firstSeq = 0;
  private readonly about: SegmentEvent[] = [];

  constructor(private readonly scope: GrantScope) {}

  write(chunk: Buffer): void {
    let start = 0;
    for (let nl = chunk.indexOf(0x0a, start); nl !== -1; nl = chunk.indexOf(0x0a, start)) {
      this.pending.push(chunk.subarray(start, nl));
      const line = Buffer.concat(this.pending).toString('utf8');
      this.pending = [];
      this.pendingBytes = 0;
      this.line(line);
      start = nl + 1;
    }
    const rest = chunk.subarray(start);
    this.pendingBytes += rest.length;
    if (this.pendingBytes > MAX_EVENT_LINE_BYTES)
      throw new EvidenceProblem(`${EVENTS_MEMBER} line ${this.lineNo + 1}`, 'line is too long');
    if (rest.length > 0) this.pending.push(rest);
  }

  end(): void {
    if (this.pendingBytes > 0)
      throw new EvidenceProblem(`${EVENTS_MEMBER} line ${this.lineNo + 1}`, 'no final newline');
    if (this.cursor === null) throw new EvidenceProblem(EVENTS_MEMBER, 'holds no events');
  }

  summary(): SegmentSummary {
    if (this.cursor === null) throw new EvidenceProblem(EVENTS_MEMBER, 'holds no events');
    return {
      firstSeq: this.firstSeq,
      lastSeq: this.cursor.lastSeq,
      lastHash: this.cursor.lastHash,
      count: this.cursor.count,
      about: this.about,
    };
  }

  private line(text: string): void {
    this.lineNo += 1;
    const row = parseRow(text);
    if (row === null || rowText(row) !== text)
      throw new EvidenceProblem(
        `${EVENTS_MEMBER} line ${this.lineNo}`,
        'not an audit row in canonical form',
      );
    if (this.cursor === null) {
      this.firstSeq = row.seq;
      this.cursor = { count: 0, lastSeq: row.seq - 1, lastHash: row.prevHash };
    }
    const check = checkChain(this.cursor, [
      {
        seq: row.seq,
        ts: row.ts,
        actor: row.actor,
        type: row.type,
        payload: row.payload,
        prev_hash: row.prevHash,
        hash: row.hash,
        node: row.node ?? null,
      },
    ]);
    if (!check.ok) throw new EvidenceProblem(`${EVENTS_MEMBER} seq ${check.seq}`, check.problem);
    this.cursor = check;
    const payload = JSON.parse(row.payload) as Record<string, unknown>;
    if (this.scope.about(row.type, payload))
      this.about.push({ seq: row.seq, ts: row.ts, actor: row.actor, type: row.type, payload });
  }
}
