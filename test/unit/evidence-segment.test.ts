import { describe, expect, it } from 'vitest';
import { canonicalJson, type JsonValue } from '../../src/core/canonical-json.js';
import type { AuditRecord } from '../../src/core/model.js';
import { GrantScope } from '../../src/evidence/grant-scope.js';
import {
  expectedMembers,
  jsonMemberText,
  parseIndex,
  parseJsonMember,
} from '../../src/evidence/evidence-index.js';
import {
  MAX_EVENT_LINE_BYTES,
  SegmentCheck,
  segmentLine,
} from '../../src/evidence/segment-check.js';
import { chainHash, GENESIS_HASH } from '../../src/store/audit-chain.js';
import { T0 } from './core-fixtures.js';

type Event = {
  readonly type: string;
  readonly payload: Record<string, JsonValue>;
  readonly node?: string;
};

/** A real chain of `events` from seq 1, as the store would hash it. */
function chain(events: readonly Event[]): AuditRecord[] {
  let prevHash = GENESIS_HASH;
  return events.map((e, i) => {
    const { type, payload } = e;
    const fields = { seq: i + 1, ts: T0 + i, actor: 'root', type, payload, node: e.node ?? null };
    const hash = chainHash(prevHash, fields);
    const record = { ...fields, prevHash, hash };
    prevHash = hash;
    return record;
  });
}

const EVENTS: Event[] = [
  { type: 'user.create', payload: { user: 'alice', userId: 1, fingerprint: 'SHA256:a' } },
  { type: 'nda.create', payload: { ndaId: 3, user: 'alice', title: 'NDA' } },
  { type: 'grant.create', payload: { grantId: 7, ndaId: 3, user: 'alice' } },
  { type: 'grant.create', payload: { grantId: 8, ndaId: 4, user: 'bob' } },
  { type: 'auth.success', payload: { user: 'alice', grantIds: [7, 8] } },
  { type: 'session.start', payload: { sessionId: 's1', grantId: 7 } },
  { type: 'session.start', payload: { sessionId: 's2', grantId: 8 } },
  { type: 'session.kill', payload: { sessionId: 's1' } },
  { type: 'session.kill', payload: { sessionId: 's2' } },
  { type: 'nda.acknowledge', payload: { grantId: 9, ndaId: 3, userId: 1 } },
];

const text = (rows: readonly AuditRecord[]): string => rows.map(segmentLine).join('');

/** Feeds `data` in chunks of `size` bytes (lines split anywhere, multibyte text included). */
function check(data: string, size = 7): SegmentCheck {
  const c = new SegmentCheck(new GrantScope(7, 3));
  const bytes = Buffer.from(data, 'utf8');
  for (let i = 0; i < bytes.length; i += size) c.write(bytes.subarray(i, i + size));
  c.end();
  return c;
}

describe('GrantScope', () => {
  it('takes events naming the grant, its NDA, a login allowed to use it, and its sessions only', () => {
    const scope = new GrantScope(7, 3);
    const about = chain(EVENTS)
      .filter((r) => scope.about(r.type, r.payload))
      .map((r) => r.seq);
    expect(about).toEqual([2, 3, 5, 6, 8, 10]);
    expect(scope.sessionIds).toEqual(['s1']);
  });
});

describe('SegmentCheck', () => {
  it('recomputes every hash of a segment that starts mid-chain, in any chunking', () => {
    const rows = chain(EVENTS).slice(1);
    for (const size of [1, 3, 64, 100_000]) {
      const summary = check(text(rows), size).summary();
      expect(summary).toMatchObject({ firstSeq: 2, lastSeq: 10, count: 9 });
      expect(summary.lastHash).toBe(rows.at(-1)?.hash);
      expect(summary.about.map((e) => e.seq)).toEqual([2, 3, 5, 6, 8, 10]);
    }
  });

  it('keeps multibyte payloads intact across chunk edges', () => {
    const rows = chain([
      { type: 'nda.create', payload: { ndaId: 3, title: 'Geheimhaltung ✓ 秘密' } },
    ]);
    expect(check(text(rows), 1).summary().about[0]?.payload['title']).toBe('Geheimhaltung ✓ 秘密');
  });

  it('names the seq of an edited event, a removed event and a reordered pair', () => {
    const rows = chain(EVENTS);
    const edited = rows.map((r) =>
      r.seq === 6 ? { ...r, payload: { ...r.payload, grantId: 8 } } : r,
    );
    expect(() => check(text(edited))).toThrow(
      'evidence: audit/events.jsonl seq 6: hash does not match the event',
    );
    expect(() => check(text(rows.filter((r) => r.seq !== 4)))).toThrow(
      'evidence: audit/events.jsonl seq 5: seq gap: expected 4, found 5',
    );
    const swapped = [...rows];
    [swapped[4], swapped[5]] = [rows[5] as AuditRecord, rows[4] as AuditRecord];
    expect(() => check(text(swapped))).toThrow('audit/events.jsonl seq 6: seq gap');
  });

  it('checks the node of events that have one (issue 17): hashed, in the line, never null', () => {
    const rows = chain([
      ...EVENTS.slice(0, 2),
      { type: 'grant.create', payload: { grantId: 7, ndaId: 3 }, node: 'bastion-a' },
      { type: 'session.start', payload: { sessionId: 's1', grantId: 7 }, node: 'bastion-b' },
    ]);
    expect(segmentLine(rows[1] as AuditRecord)).not.toContain('"node"');
    expect(segmentLine(rows[3] as AuditRecord)).toContain('"node":"bastion-b"');
    expect(check(text(rows)).summary().count).toBe(4);
    const moved = text(rows).replace('"node":"bastion-b"', '"node":"bastion-a"');
    expect(() => check(moved)).toThrow(
      'evidence: audit/events.jsonl seq 4: hash does not match the event',
    );
    const nulled = text(rows).replace('"node":"bastion-b"', '"node":null');
    expect(() => check(nulled)).toThrow('line 4: not an audit row in canonical form');
  });

  it('refuses lines that are not canonical rows, an unended last line and an endless line', () => {
    const rows = chain(EVENTS.slice(0, 2));
    const spaced = text(rows).replace('"seq":2', '"seq": 2');
    expect(() => check(spaced)).toThrow(
      'evidence: audit/events.jsonl line 2: not an audit row in canonical form',
    );
    const row = JSON.parse(segmentLine(rows[0] as AuditRecord)) as Record<string, JsonValue>;
    const extra = `${canonicalJson({ ...row, x: 1 })}\n`;
    expect(() => check(extra)).toThrow('line 1: not an audit row in canonical form');
    expect(() => check(text(rows).slice(0, -1))).toThrow('line 2: no final newline');
    expect(() => check('')).toThrow('evidence: audit/events.jsonl: holds no events');
    const c = new SegmentCheck(new GrantScope(7, 3));
    expect(() => c.write(Buffer.alloc(MAX_EVENT_LINE_BYTES + 1, 0x61))).toThrow(
      'line 1: line is too long',
    );
  });
});

describe('evidence.json', () => {
  it('accepts a JSON member only in its one text', () => {
    const value = { b: [1, { d: null, c: 'x' }], a: true };
    const canonical = jsonMemberText(value);
    expect(canonical).toBe(
      '{\n  "a": true,\n  "b": [\n    1,\n    {\n      "c": "x",\n      "d": null\n    }\n  ]\n}\n',
    );
    expect(parseJsonMember(canonical)).toEqual({ ok: true, value });
    expect(parseJsonMember(canonical.replace('  "a"', ' "a"'))).toEqual({
      ok: false,
      problem: 'not in canonical form (edited)',
    });
    expect(parseJsonMember(canonical.slice(0, -1))).toMatchObject({ ok: false });
    expect(parseJsonMember('{')).toEqual({ ok: false, problem: 'not valid JSON' });
  });

  it('lists the members after the index: audit, rows, then a manifest and cast per recorded session', () => {
    const id = '0f8e2c4a-1b2c-4d5e-8f90-a1b2c3d4e5f6';
    const gap = '1f8e2c4a-1b2c-4d5e-8f90-a1b2c3d4e5f6';
    expect(
      expectedMembers([
        { sessionId: id, keyId: 'SHA256:k', gap: null },
        { sessionId: gap, keyId: null, gap: 'the session is live' },
      ]),
    ).toEqual([
      'audit/checkpoint.json',
      'audit/events.jsonl',
      'nda.json',
      'grant.json',
      `sessions/${id}.cast.manifest.json`,
      `sessions/${id}.cast`,
    ]);
  });

  it('refuses an index with an unknown field, a wrong version or a bad member hash, naming the field', () => {
    const index = {
      format: 'gatehouse-evidence',
      v: 1,
      createdAt: T0,
      grantId: 7,
      ndaId: 3,
      segment: { firstSeq: 2, lastSeq: 10 },
      aboutGrant: [2, 3],
      sessions: [],
      keys: [{ keyId: 'SHA256:k', publicKey: 'ssh-ed25519 AAAA' }],
      members: [{ name: 'nda.json', sha256: 'a'.repeat(64), bytes: 10 }],
      signature: 'c2ln',
    };
    expect(parseIndex(jsonMemberText(index))).toMatchObject({ ok: true });
    expect(parseIndex(jsonMemberText({ ...index, extra: 1 }))).toMatchObject({ ok: false });
    expect(parseIndex(jsonMemberText({ ...index, v: 2 }))).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/^field v: /),
    });
    const badHash = { ...index, members: [{ name: 'nda.json', sha256: 'xyz', bytes: 10 }] };
    expect(parseIndex(jsonMemberText(badHash))).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/^field members\.0\.sha256: /),
    });
  });
});
