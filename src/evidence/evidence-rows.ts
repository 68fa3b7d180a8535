/**
 * `nda.json` and `grant.json` are the database rows, for the auditor's convenience; they are
 * trusted only as far as the chained events that made and changed them agree: every field an
 * event carries must match it, and the row is revoked or acknowledged exactly when the segment
 * holds that event.
 */
import { EvidenceProblem } from './evidence-problem.js';
import { GRANT_MEMBER, NDA_MEMBER, type EvidenceIndex } from './evidence-index.js';
import type { SegmentEvent, SegmentSummary } from './segment-check.js';

type Row = Readonly<Record<string, unknown>>;

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

function eventOf(
  member: string,
  segment: SegmentSummary,
  type: string,
  matches: (e: SegmentEvent) => boolean,
): SegmentEvent | undefined {
  const found = segment.about.filter((e) => e.type === type && matches(e));
  if (found.length > 1)
    throw new EvidenceProblem(member, `the segment has ${found.length} ${type} events for it`);
  return found[0];
}

/** Each `[row field, event value]` pair must agree. */
function agree(member: string, row: Row, event: SegmentEvent, pairs: [string, unknown][]): void {
  for (const [field, value] of pairs) {
    if (!same(row[field], value))
      throw new EvidenceProblem(
        member,
        `${field} differs from the ${event.type} event (seq ${event.seq})`,
      );
  }
}

function presence(
  member: string,
  field: string,
  row: Row,
  event: SegmentEvent | undefined,
  type: string,
): void {
  const set = row[field] !== null && row[field] !== undefined;
  if (set !== (event !== undefined))
    throw new EvidenceProblem(
      member,
      set
        ? `${field} is set but the segment has no ${type} event`
        : `${field} is not set but ${type} is at seq ${event?.seq}`,
    );
}

function checkNda(row: Row, index: EvidenceIndex, segment: SegmentSummary): void {
  const m = NDA_MEMBER;
  const created = eventOf(m, segment, 'nda.create', (e) => e.payload['ndaId'] === index.ndaId);
  if (created === undefined)
    throw new EvidenceProblem(m, `the segment has no nda.create event for NDA ${index.ndaId}`);
  const p = created.payload;
  agree(m, row, created, [
    ['id', p['ndaId']],
    ['title', p['title']],
    ['ref', p['ref']],
    ['signedAt', p['signedAt']],
    ['expiresAt', p['expiresAt']],
    ['documentSha256', p['documentSha256']],
  ]);
  const revoked = eventOf(m, segment, 'nda.revoke', (e) => e.payload['ndaId'] === index.ndaId);
  presence(m, 'revokedAt', row, revoked, 'nda.revoke');
}

function checkGrant(row: Row, index: EvidenceIndex, segment: SegmentSummary): void {
  const m = GRANT_MEMBER;
  const ofGrant = (e: SegmentEvent): boolean => e.payload['grantId'] === index.grantId;
  const created = eventOf(m, segment, 'grant.create', ofGrant);
  if (created === undefined)
    throw new EvidenceProblem(
      m,
      `the segment has no grant.create event for grant ${index.grantId}`,
    );
  const p = created.payload;
  agree(m, row, created, [
    ['id', p['grantId']],
    ['ndaId', p['ndaId']],
    ['startsAt', p['startsAt']],
    ['endsAt', p['endsAt']],
    ['mode', p['mode']],
    ['allowlist', p['allowlist']],
    ['reason', p['reason']],
    ['createdBy', created.actor],
    // Events from before the checklist (issue 14) have none; their rows have [].
    ['confirmations', p['confirmations'] ?? []],
  ]);
  if (p['ndaId'] !== index.ndaId)
    throw new EvidenceProblem(m, `its NDA is ${String(p['ndaId'])}, the index says ${index.ndaId}`);
  const revoked = eventOf(m, segment, 'grant.revoke', ofGrant);
  presence(m, 'revokedAt', row, revoked, 'grant.revoke');
  if (revoked !== undefined) agree(m, row, revoked, [['revokeReason', revoked.payload['reason']]]);
  const acknowledged = eventOf(m, segment, 'nda.acknowledge', ofGrant);
  presence(m, 'ndaAcknowledgedAt', row, acknowledged, 'nda.acknowledge');
  if (acknowledged !== undefined)
    agree(m, row, acknowledged, [
      ['ndaScopeSha256', acknowledged.payload['scopeSha256'] ?? null],
      ['ndaCarriedFrom', acknowledged.payload['carriedFrom'] ?? null],
    ]);
}

export function checkEvidenceRows(
  member: string,
  value: unknown,
  index: EvidenceIndex,
  segment: SegmentSummary,
): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new EvidenceProblem(member, 'not a JSON object');
  if (member === NDA_MEMBER) checkNda(value as Row, index, segment);
  else checkGrant(value as Row, index, segment);
}
