/**
 * `sessions/<id>.transfers.json` (issue 16): a transfer session's log as the store kept it
 * (migration 17), `{sessionId, entries}`. Like `grant.json` it is trusted only as far as the
 * chain agrees: each entry must be the one its seq's `transfer.*` event makes
 * (core/transfer-entries.ts transferEntryOf), and every transfer event of the session in the segment
 * must have its entry. The first disagreement names the entry and its seq.
 */
import { canonicalJson, type JsonValue } from '../core/canonical-json.js';
import type { SessionId } from '../core/model.js';
import type { Store } from '../core/ports.js';
import {
  readTransferLog,
  transferEntryOf,
  TRANSFER_EVENT_TYPES,
  type TransferEvent,
  type TransferLogEntry,
} from '../core/transfer-entries.js';
import { EvidenceProblem } from './evidence-problem.js';
import { transfersMember } from './evidence-index.js';
import type { SegmentEvent, SegmentSummary } from './segment-check.js';

/** The transfer logs of the sessions that have one (issue 16), by session id. */
export type TransferLogs = ReadonlyMap<string, readonly TransferLogEntry[]>;

export async function transferLogs(
  store: Store,
  sessionIds: readonly string[],
): Promise<TransferLogs> {
  const logs = new Map<string, readonly TransferLogEntry[]>();
  for (const id of sessionIds) {
    const entries = await readTransferLog(store.transfers, id as SessionId);
    if (entries.length > 0) logs.set(id, entries);
  }
  return logs;
}

/** The session's transfer events in the segment, in seq order. */
export const transferEventsOf = (segment: SegmentSummary, sessionId: string): SegmentEvent[] =>
  segment.about.filter(
    (e) =>
      (TRANSFER_EVENT_TYPES as readonly string[]).includes(e.type) &&
      e.payload['sessionId'] === sessionId,
  );

const same = (a: unknown, b: unknown): boolean =>
  canonicalJson((a ?? null) as JsonValue) === canonicalJson((b ?? null) as JsonValue);

/** The entry `event` makes, compared field by field with the file's; the first differing field. */
function differingField(
  entry: Readonly<Record<string, unknown>>,
  event: SegmentEvent,
): string | null {
  const expected = transferEntryOf(
    { type: event.type, payload: event.payload } as unknown as TransferEvent,
    event.seq,
    event.ts,
  ) as unknown as Readonly<Record<string, unknown>>;
  const fields = new Set([...Object.keys(expected), ...Object.keys(entry)]);
  for (const field of fields) if (!same(entry[field], expected[field])) return field;
  return null;
}

export function checkTransferLog(sessionId: string, value: unknown, segment: SegmentSummary): void {
  const member = transfersMember(sessionId);
  const log = value as { sessionId?: unknown; entries?: unknown } | null;
  if (typeof log !== 'object' || log === null || !Array.isArray(log.entries))
    throw new EvidenceProblem(member, 'not a transfer log ({sessionId, entries})');
  if (log.sessionId !== sessionId)
    throw new EvidenceProblem(member, `is the transfer log of session ${String(log.sessionId)}`);
  const events = transferEventsOf(segment, sessionId);
  const bySeq = new Map(events.map((e) => [e.seq, e]));
  const entries = log.entries as unknown[];
  const seen = new Set<number>();
  entries.forEach((raw, i) => {
    const entry = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const seq = entry['seq'];
    const where = `entry ${i + 1} (seq ${String(seq)})`;
    if (typeof seq === 'number' && seen.has(seq))
      throw new EvidenceProblem(member, `${where}: repeats an earlier entry`);
    const event = typeof seq === 'number' ? bySeq.get(seq) : undefined;
    if (event === undefined)
      throw new EvidenceProblem(
        member,
        `${where}: the segment has no transfer event of the session at that seq`,
      );
    seen.add(seq as number);
    bySeq.delete(seq as number);
    const field = differingField(entry, event);
    if (field !== null)
      throw new EvidenceProblem(member, `${where}: ${field} differs from the ${event.type} event`);
  });
  const missing = [...bySeq.values()][0];
  if (missing !== undefined)
    throw new EvidenceProblem(
      member,
      `the ${missing.type} event at seq ${missing.seq} has no entry (${events.length} events, ${entries.length} entries)`,
    );
}
