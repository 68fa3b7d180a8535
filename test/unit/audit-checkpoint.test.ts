import { describe, expect, it } from 'vitest';
import {
  checkCheckpoints,
  checkpointSignedText,
  firstProblemPerKind,
  parseCheckpoint,
  type AuditCheckpoint,
  type ChainPoint,
  type SignatureCheck,
} from '../../src/core/audit-checkpoint.js';

const h = (n: number): string => n.toString(16).padStart(64, '0');
const chain = (last: number): ChainPoint[] =>
  Array.from({ length: last }, (_, i) => ({ seq: i + 1, hash: h(i + 1) }));
const cp = (seq: number, hash = h(seq), keyId = 'SHA256:k'): AuditCheckpoint => ({
  seq,
  hash,
  at: 1_700_000_000_000 + seq,
  keyId,
  signature: `sig-${seq}`,
});
const allValid = (): SignatureCheck => 'valid';

describe('checkpointSignedText', () => {
  it('is the canonical JSON of kind, v, seq, hash, at and keyId (the contract evidence relies on)', () => {
    expect(checkpointSignedText({ seq: 7, hash: h(7), at: 5, keyId: 'SHA256:abc' })).toBe(
      `{"at":5,"hash":"${h(7)}","keyId":"SHA256:abc","kind":"gatehouse-audit-checkpoint","seq":7,"v":1}`,
    );
  });
});

describe('checkCheckpoints', () => {
  it('accepts checkpoints that match the chain and reports how far they cover', () => {
    const r = checkCheckpoints([cp(3), cp(8)], 10, chain(10), allValid);
    expect(r).toEqual({ problems: [], verified: 2, coveredSeq: 8 });
  });

  it('names the first missing event when a checkpoint lies beyond the end (a cut tail)', () => {
    const r = checkCheckpoints([cp(3), cp(8), cp(12)], 6, chain(6), allValid);
    expect(r.problems).toEqual([{ kind: 'truncated', seq: 7, checkpointSeq: 12 }]);
    expect(r.coveredSeq).toBe(3);
  });

  it('reports a rewritten chain from one after the last matching checkpoint', () => {
    const points = chain(10).map((p) => (p.seq >= 6 ? { ...p, hash: h(p.seq + 100) } : p));
    const r = checkCheckpoints([cp(4), cp(8), cp(10)], 10, points, allValid);
    expect(firstProblemPerKind(r.problems)).toEqual([
      { kind: 'rewritten', seq: 5, checkpointSeq: 8 },
    ]);
    expect(r.verified).toBe(1);
  });

  it('does not trust a checkpoint whose signature fails, and names it', () => {
    const check = (c: AuditCheckpoint): SignatureCheck =>
      c.seq === 9 ? 'bad_signature' : c.keyId === 'SHA256:old' ? 'unknown_key' : 'valid';
    const r = checkCheckpoints([cp(2, h(2), 'SHA256:old'), cp(5), cp(9)], 5, chain(5), check);
    expect(r.problems).toEqual([
      { kind: 'signature', seq: 2, check: 'unknown_key', keyId: 'SHA256:old' },
      { kind: 'signature', seq: 9, check: 'bad_signature', keyId: 'SHA256:k' },
    ]);
    expect(r.coveredSeq).toBe(5);
  });

  it('counts the same checkpoint from two sources once', () => {
    const r = checkCheckpoints([cp(4), cp(4)], 4, chain(4), allValid);
    expect(r.verified).toBe(1);
  });

  it('treats a malformed checkpoint as unverifiable without asking the keyring', () => {
    let asked = 0;
    const r = checkCheckpoints([{ ...cp(2), hash: 'nothex' }], 2, chain(2), () => {
      asked += 1;
      return 'valid';
    });
    expect(asked).toBe(0);
    expect(r.problems[0]).toMatchObject({ kind: 'signature', seq: 2, check: 'bad_signature' });
  });

  it('keeps one problem per category for the report, in a stable order', () => {
    const r = checkCheckpoints([cp(1, h(99)), cp(2, h(98)), cp(7), cp(9)], 3, chain(3), (c) =>
      c.seq === 9 ? 'bad_signature' : 'valid',
    );
    expect(firstProblemPerKind(r.problems).map((p) => [p.kind, p.seq])).toEqual([
      ['signature', 9],
      ['rewritten', 1],
      ['truncated', 4],
    ]);
  });
});

describe('parseCheckpoint', () => {
  it('takes exactly the five fields and refuses anything malformed', () => {
    expect(parseCheckpoint({ ...cp(3), extra: 1 })).toEqual(cp(3));
    expect(parseCheckpoint({ ...cp(3), seq: '3' })).toBeNull();
    expect(parseCheckpoint({ ...cp(3), seq: 0 })).toBeNull();
    expect(parseCheckpoint({ ...cp(3), hash: 'x' })).toBeNull();
    expect(parseCheckpoint([cp(3)])).toBeNull();
    expect(parseCheckpoint(null)).toBeNull();
  });
});
