import { describe, expect, it } from 'vitest';
import { transferFromInput } from '../../src/core/transfer-input.js';
import { NO_TRANSFER } from '../../src/core/transfer-rights.js';
import { describeTransfer, transferLeft } from '../../src/core/transfer-text.js';

describe('transferFromInput', () => {
  it('is none without a direction, and none when none is given', () => {
    expect(transferFromInput({ paths: [] })).toEqual({ ok: true, rights: NO_TRANSFER });
    expect(transferFromInput({ direction: 'none', paths: [] })).toEqual({
      ok: true,
      rights: NO_TRANSFER,
    });
  });

  it('takes the direction, the paths once each and the budget in bytes', () => {
    expect(
      transferFromInput({
        direction: 'download',
        paths: ['/var/log/**', '/etc/x', '/var/log/**'],
        budget: '500MiB',
      }),
    ).toEqual({
      ok: true,
      rights: { direction: 'download', paths: ['/var/log/**', '/etc/x'], budgetBytes: 524_288_000 },
    });
  });

  it.each([
    [
      { direction: 'DOWNLOAD', paths: [] },
      '--transfer: "DOWNLOAD" is not one of none, download, upload, both',
    ],
    [{ direction: 'dl\u001b[2J', paths: [] }, '--transfer: "dl\\u001b[2J" is not one of'],
    [{ paths: ['/x'] }, '--transfer-path: needs --transfer download, upload or both'],
    [{ paths: [], budget: '1MiB' }, '--transfer-budget: needs --transfer download, upload or both'],
    [
      { direction: 'upload', paths: ['/a\nb'] },
      '--transfer-path: a path limit holds a control character',
    ],
    [
      { direction: 'upload', paths: Array.from({ length: 33 }, (_, i) => `/p${i}`) },
      '--transfer-path: at most 32 path limits',
    ],
    [
      { direction: 'upload', paths: [], budget: '1.5GiB' },
      '--transfer-budget: "1.5GiB" is not a size',
    ],
  ])('refuses %j naming the option', (input, message) => {
    const result = transferFromInput(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toContain(message);
  });
});

describe('describeTransfer', () => {
  it('says - for none, else the direction, the paths and the budget', () => {
    expect(describeTransfer(NO_TRANSFER)).toBe('-');
    expect(describeTransfer({ direction: 'both', paths: [], budgetBytes: null })).toBe('both');
    expect(
      describeTransfer({
        direction: 'download',
        paths: ['/var/log/**', '/srv/my files/*'],
        budgetBytes: 2 * 1024 ** 3,
      }),
    ).toBe('download /var/log/** "/srv/my files/*" budget 2GiB');
  });

  it('says what is left of a budget, never below zero, and null without one', () => {
    const rights = { direction: 'upload', paths: [], budgetBytes: 100 } as const;
    expect(transferLeft(rights, 40)).toBe(60);
    expect(transferLeft(rights, 140)).toBe(0);
    expect(transferLeft({ ...rights, budgetBytes: null }, 40)).toBeNull();
  });
});
