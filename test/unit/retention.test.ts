import { describe, expect, it } from 'vitest';
import type { GrantId, SessionId } from '../../src/core/model.js';
import {
  isRetentionPrune,
  parseRetention,
  PRUNED_FILES_LISTED,
  prunedEvent,
  prunedRecordingGap,
  pruneCutoff,
  recordingState,
  type PruneCandidate,
} from '../../src/core/retention.js';
import { DAY_MS, T0 } from './core-fixtures.js';

const sessionId = 'f47ac10b-58cc-4372-a567-0e02b2c3d479' as SessionId;
const candidate: PruneCandidate = {
  sessionId,
  grantId: 6 as GrantId,
  recordingPath: `2025/01/02/${sessionId}.cast`,
  endedAt: T0 - 400 * DAY_MS,
};
const file = (n: number) => ({ path: `f${n}`, bytes: n, sha256: 'a'.repeat(64) });

describe('parseRetention', () => {
  it.each([
    ['365d', 365 * DAY_MS],
    ['12w', 84 * DAY_MS],
    ['1d', DAY_MS],
    ['24h', DAY_MS],
    ['1d1h30m', DAY_MS + 90 * 60_000],
  ])('%s → %i ms', (text, ms) => {
    expect(parseRetention(text)).toEqual({ ok: true, ms });
  });

  it.each([
    ['23h59m', '"23h59m" is under the minimum retention of 1d'],
    ['1h30m', '"1h30m" is under the minimum retention of 1d'],
    ['0d', '"0d" is not a duration: must be more than zero'],
    ['1y', '"1y" is not a duration: unknown unit "y"; use s, m, h, d or w'],
    ['forever', 'is not a duration'],
  ])('refuses %s', (text, message) => {
    const parsed = parseRetention(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toContain(message);
  });
});

describe('pruneCutoff', () => {
  it('is the retention before now: a session that ended then is not yet due', () => {
    expect(pruneCutoff(T0, 365 * DAY_MS)).toBe(T0 - 365 * DAY_MS);
  });
});

describe('prunedEvent', () => {
  it('names the session, the cast, the retention and each file with its sha256', () => {
    const event = prunedEvent(candidate, [file(10), file(20)], 365 * DAY_MS);
    expect(event).toEqual({
      type: 'recording.pruned',
      payload: {
        sessionId,
        grantId: 6,
        path: candidate.recordingPath,
        reason: 'retention',
        retention: '365d',
        files: [file(10), file(20)],
        filesNotListed: 0,
        bytes: 30,
      },
    });
  });

  it('lists at most PRUNED_FILES_LISTED files, counts the rest, and sums every byte', () => {
    const files = Array.from({ length: PRUNED_FILES_LISTED + 5 }, (_, i) => file(i + 1));
    const { payload } = prunedEvent(candidate, files, 12 * 7 * DAY_MS);
    expect(payload.files).toHaveLength(PRUNED_FILES_LISTED);
    expect(payload.filesNotListed).toBe(5);
    expect(payload.bytes).toBe(((PRUNED_FILES_LISTED + 5) * (PRUNED_FILES_LISTED + 6)) / 2);
    expect(payload.retention).toBe('84d');
  });

  it('an empty list says the files were already gone', () => {
    expect(prunedEvent(candidate, [], DAY_MS).payload).toMatchObject({ files: [], bytes: 0 });
  });
});

describe('recordingState', () => {
  it('says pruned (with the time), on hold (the reason escaped), or nothing', () => {
    expect(recordingState({ recordingPrunedAt: T0, hold: null })).toBe(
      'recording pruned 2026-11-15T12:00:00Z',
    );
    expect(
      recordingState({
        recordingPrunedAt: null,
        hold: { reason: 'LIT-7\u202e gnirts', by: 'os:root', at: T0 },
      }),
    ).toBe('on legal hold: LIT-7\\u202e gnirts');
    expect(recordingState({ recordingPrunedAt: null, hold: null })).toBeNull();
  });

  it('the evidence gap of a pruned recording names the time', () => {
    expect(prunedRecordingGap(T0)).toBe('recording pruned 2026-11-15T12:00:00Z by retention');
  });
});

describe('isRetentionPrune', () => {
  const event = prunedEvent(candidate, [], DAY_MS);
  it("is the session's recording.pruned by retention, and nothing else", () => {
    expect(isRetentionPrune(event, sessionId)).toBe(true);
    expect(isRetentionPrune(event, 'another')).toBe(false);
    expect(isRetentionPrune({ ...event, type: 'recording.sealed' }, sessionId)).toBe(false);
    expect(
      isRetentionPrune({ ...event, payload: { ...event.payload, reason: 'admin' } }, sessionId),
    ).toBe(false);
  });
});
