/** sessions/<id>.transfers.json against the segment's transfer events (evidence/transfer-log-member.ts). */
import { describe, expect, it } from 'vitest';
import { transferEntryOf } from '../../src/core/transfer-entries.js';
import { EvidenceProblem } from '../../src/evidence/evidence-problem.js';
import type { SegmentEvent, SegmentSummary } from '../../src/evidence/segment-check.js';
import { checkTransferLog } from '../../src/evidence/transfer-log-member.js';
import { sampleAuditEvents } from '../helpers/audit-event-samples.js';
import { T0 } from './core-fixtures.js';

const file = sampleAuditEvents['transfer.file'];
const change = sampleAuditEvents['transfer.change'];
const SID = file.payload.sessionId;
const MEMBER = `sessions/${SID}.transfers.json`;

const segment = (events: SegmentEvent[]): SegmentSummary => ({
  firstSeq: 1,
  lastSeq: 20,
  lastHash: '0'.repeat(64),
  count: 20,
  about: events,
});
const asSegment = (e: typeof file | typeof change, seq: number): SegmentEvent => ({
  seq,
  ts: T0 + seq,
  actor: 'user:alice',
  type: e.type,
  payload: e.payload,
});
const events = [asSegment(file, 5), asSegment(change, 9)];
const entries = [transferEntryOf(file, 5, T0 + 5), transferEntryOf(change, 9, T0 + 9)];

function problem(value: unknown): string {
  try {
    checkTransferLog(SID, value, segment(events));
  } catch (e) {
    if (e instanceof EvidenceProblem) return `${e.item}: ${e.problem}`;
    throw e;
  }
  return 'ok';
}

describe('a transfer log member against the chain', () => {
  it('passes when every entry is its event and every event has its entry', () => {
    expect(problem({ sessionId: SID, entries })).toBe('ok');
  });

  it('names the entry and field that differ from its event', () => {
    const edited = [{ ...entries[0], bytes: 1 }, entries[1]];
    expect(problem({ sessionId: SID, entries: edited })).toBe(
      `${MEMBER}: entry 1 (seq 5): bytes differs from the transfer.file event`,
    );
    const moved = [entries[0], { ...entries[1], ts: T0 }];
    expect(problem({ sessionId: SID, entries: moved })).toBe(
      `${MEMBER}: entry 2 (seq 9): ts differs from the transfer.change event`,
    );
    const added = [{ ...entries[0], note: 'x' }, entries[1]];
    expect(problem({ sessionId: SID, entries: added })).toMatch(/entry 1 \(seq 5\): note differs/);
  });

  it('names an entry left out, one repeated, and one with no event', () => {
    expect(problem({ sessionId: SID, entries: [entries[0]] })).toBe(
      `${MEMBER}: the transfer.change event at seq 9 has no entry (2 events, 1 entries)`,
    );
    expect(problem({ sessionId: SID, entries: [entries[0], entries[0], entries[1]] })).toBe(
      `${MEMBER}: entry 2 (seq 5): repeats an earlier entry`,
    );
    expect(problem({ sessionId: SID, entries: [...entries, { ...entries[1], seq: 12 }] })).toBe(
      `${MEMBER}: entry 3 (seq 12): the segment has no transfer event of the session at that seq`,
    );
  });

  it('refuses another session’s log and what is not a log', () => {
    expect(problem({ sessionId: 'other', entries })).toBe(
      `${MEMBER}: is the transfer log of session other`,
    );
    expect(problem([])).toBe(`${MEMBER}: not a transfer log ({sessionId, entries})`);
  });
});
