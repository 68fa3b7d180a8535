import { describe, expect, it } from 'vitest';
import {
  copyAllowance,
  interruptedEntry,
  keptByFileSeq,
  keptEntry,
  keptFileName,
  keptLabelName,
  labelledFile,
  listedPath,
  LISTED_PATH_MAX,
  MAX_KEPT_ENTRIES,
  parseKeptLabel,
  parseKeptTransfers,
  type KeptTransfer,
} from '../../src/core/kept-transfers.js';

const SHA = 'a'.repeat(64);
const OTHER = 'b'.repeat(64);
const caps = { maxFileBytes: 100, maxSessionBytes: 250 };
/** A manifest entry of a file kept whole. */
const WHOLE: KeptTransfer = {
  direction: 'download',
  path: '/var/log/syslog',
  bytes: 10,
  sha256: SHA,
  kept: 'whole',
  reason: null,
  file: '000001',
  keptBytes: 10,
  keptSha256: SHA,
};

describe('copyAllowance', () => {
  it('takes all while under both caps, up to a cap exactly', () => {
    expect(copyAllowance(caps, 0, 0, 60)).toEqual({ take: 60, stop: null });
    expect(copyAllowance(caps, 60, 60, 40)).toEqual({ take: 40, stop: null });
  });

  it('cuts at the file cap, then takes nothing', () => {
    expect(copyAllowance(caps, 60, 60, 50)).toEqual({ take: 40, stop: 'over maxFileBytes' });
    expect(copyAllowance(caps, 100, 100, 1)).toEqual({ take: 0, stop: 'over maxFileBytes' });
  });

  it('cuts at the session cap when it is the nearer one', () => {
    expect(copyAllowance(caps, 0, 230, 50)).toEqual({ take: 20, stop: 'maxSessionBytes spent' });
    expect(copyAllowance(caps, 0, 250, 1)).toEqual({ take: 0, stop: 'maxSessionBytes spent' });
  });
});

describe('keptEntry', () => {
  const copy = (copied: number, sha = SHA, stopped: null | 'random access' = null) => ({
    copied,
    copiedSha256: sha,
    stopped,
  });

  it('is whole when the copy is what moved, an empty file too', () => {
    expect(keptEntry({ bytes: 10, sha256: SHA }, copy(10))).toEqual({
      kept: 'whole',
      reason: null,
      keptBytes: 10,
      keptSha256: SHA,
    });
    expect(keptEntry({ bytes: 0, sha256: SHA }, copy(0)).kept).toBe('whole');
  });

  it('is the first bytes when a cap or random access stopped it, none when nothing was taken', () => {
    const capped = keptEntry(
      { bytes: 500, sha256: SHA },
      { copied: 100, copiedSha256: OTHER, stopped: 'over maxFileBytes' },
    );
    expect(capped).toEqual({
      kept: 'first',
      reason: 'over maxFileBytes',
      keptBytes: 100,
      keptSha256: OTHER,
    });
    const resumed = keptEntry({ bytes: 50, sha256: null }, copy(0));
    expect(resumed).toEqual({
      kept: 'none',
      reason: 'random access',
      keptBytes: 0,
      keptSha256: null,
    });
    expect(keptEntry({ bytes: 90, sha256: null }, copy(30, OTHER, 'random access')).kept).toBe(
      'first',
    );
    expect(keptEntry({ bytes: 0, sha256: null }, copy(0)).reason).toBe('nothing moved');
  });

  it('keeps nothing of a copy whose write failed, and says why', () => {
    const failed = keptEntry(
      { bytes: 10, sha256: SHA },
      { copied: 10, copiedSha256: SHA, stopped: 'write failed: ENOSPC' },
    );
    expect(failed).toEqual({
      kept: 'none',
      reason: 'write failed: ENOSPC',
      keptBytes: 0,
      keptSha256: null,
    });
  });

  it('never calls whole a copy that differs from what moved', () => {
    expect(keptEntry({ bytes: 10, sha256: SHA }, copy(10, OTHER)).kept).toBe('first');
  });
});

describe('names and paths', () => {
  it('names a copy by its sequence number only', () => {
    expect(keptFileName(1)).toBe('000001');
    expect(keptFileName(MAX_KEPT_ENTRIES)).toBe('004096');
  });

  it('holds a long path cut, saying how much was left out', () => {
    expect(listedPath('/var/log/x')).toBe('/var/log/x');
    const long = `/${'a'.repeat(LISTED_PATH_MAX + 10)}`;
    expect(listedPath(long)).toBe(`${long.slice(0, LISTED_PATH_MAX)}…(+11 chars)`);
  });
});

describe('parseKeptTransfers', () => {
  const entry = WHOLE;
  const kept = { maxFileBytes: 100, maxSessionBytes: 200, entries: [entry], unlisted: 0 };

  it('reads what a seal writes', () => {
    expect(parseKeptTransfers(JSON.parse(JSON.stringify(kept)))).toEqual(kept);
  });

  it.each([
    ['a file name that is a path', { ...entry, file: '../../etc/passwd' }],
    ['a kept copy without a file', { ...entry, file: null }],
    ['nothing kept but a hash', { ...entry, kept: 'none', file: null }],
    ['an unknown direction', { ...entry, direction: 'sideways' }],
    ['a negative size', { ...entry, keptBytes: -1 }],
    ['an extra field', { ...entry, extra: 1 }],
  ])('refuses %s', (_what, bad) => {
    expect(parseKeptTransfers({ ...kept, entries: [bad] })).toBeNull();
  });

  it('refuses two entries naming one copy, and a missing count', () => {
    expect(parseKeptTransfers({ ...kept, entries: [entry, entry] })).toBeNull();
    expect(parseKeptTransfers({ ...kept, unlisted: undefined })).toBeNull();
  });
});

describe('labels (recovery after a crash)', () => {
  const entry: KeptTransfer = { ...WHOLE, direction: 'upload', path: '/srv/patch.bin' };

  it('are named after their copy, and only such names are labels', () => {
    expect(keptLabelName('000003')).toBe('000003.entry');
    expect(labelledFile('000003.entry')).toBe('000003');
    for (const name of ['000003', '000003.entry.tmp', '3.entry', '../000003.entry'])
      expect(labelledFile(name)).toBeNull();
  });

  it('read as what the keeper writes: a file being moved, or its entry and report order', () => {
    expect(parseKeptLabel({ direction: 'download', path: '/var/log/x' })).toEqual({
      direction: 'download',
      path: '/var/log/x',
    });
    expect(parseKeptLabel(JSON.parse(JSON.stringify({ reported: 4, entry })))).toEqual({
      reported: 4,
      entry,
    });
    expect(parseKeptLabel({ direction: 'download', path: 'x'.repeat(5000) })).toEqual({
      direction: 'download',
      path: listedPath('x'.repeat(5000)),
    });
  });

  it.each([
    ['an unknown direction', { direction: 'sideways', path: '/x' }],
    ['a path that is not text', { direction: 'upload', path: 7 }],
    ['a bad entry', { reported: 1, entry: { ...entry, file: '../x' } }],
    ['a negative order', { reported: -1, entry }],
    ['an extra field', { direction: 'upload', path: '/x', more: 1 }],
    ['no object', 'upload /x'],
  ])('refuse %s', (_what, bad) => {
    expect(parseKeptLabel(bad)).toBeNull();
  });

  it('a file moving at the crash is listed as the first bytes its copy holds, never as whole', () => {
    const moving = { direction: 'download' as const, path: '/var/log/big' };
    expect(interruptedEntry(moving, '000002', { copied: 5, copiedSha256: OTHER })).toEqual({
      direction: 'download',
      path: '/var/log/big',
      bytes: 5,
      sha256: null,
      kept: 'first',
      reason: 'interrupted: gatehouse stopped while the file was open',
      file: '000002',
      keptBytes: 5,
      keptSha256: OTHER,
    });
    expect(interruptedEntry(moving, '000002', { copied: 0, copiedSha256: '' })).toMatchObject({
      kept: 'none',
      file: null,
      keptBytes: 0,
      keptSha256: null,
    });
  });
});

describe('keptByFileSeq', () => {
  const file = (seq: number, bytes: number, sha256: string | null) =>
    ({ seq, ts: 0, kind: 'file', direction: 'download', path: '/f', bytes, sha256 }) as const;
  const kept = (bytes: number, sha256: string | null): KeptTransfer => ({
    direction: 'download',
    path: '/f',
    bytes,
    sha256,
    kept: 'none',
    reason: 'random access',
    file: null,
    keptBytes: 0,
    keptSha256: null,
  });

  it('pairs the manifest entries with the log file rows in order, past other rows', () => {
    const log = [
      file(3, 10, SHA),
      { seq: 4, ts: 0, kind: 'change', op: 'mkdir', path: '/d', to: null } as const,
      file(5, 20, null),
    ];
    const paired = keptByFileSeq(log, [kept(10, SHA), kept(20, null)]);
    expect([...paired.entries()].map(([seq, k]) => [seq, k.bytes])).toEqual([
      [3, 10],
      [5, 20],
    ]);
  });

  it('leaves a row without its entry unmarked rather than pair it with another file', () => {
    const paired = keptByFileSeq([file(1, 99, OTHER), file(2, 10, SHA)], [kept(10, SHA)]);
    expect([...paired.keys()]).toEqual([2]);
  });
});
