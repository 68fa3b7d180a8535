import { describe, expect, it } from 'vitest';
import {
  checkChecklist,
  checkConfirmations,
  checkItemName,
  confirmationsOfApprovals,
  parseConfirmation,
  type Confirmation,
} from '../../src/core/checklist.js';

const ROOT = 'os:root';
const confirm = (item: string, note = 'done', by = ROOT): Confirmation => ({ item, note, by });
const REQUIRED = ['backup verified', 'rollback plan'];

describe('checkItemName', () => {
  it.each(['backup verified', 'rollback plan', 'CHG-118 signed off', 'Sicherung geprüft', 'a'])(
    'accepts %j',
    (name) => expect(checkItemName(name)).toEqual({ ok: true }),
  );

  it.each<[string, string, RegExp]>([
    ['empty', '', /must not be empty/],
    ['blank', '   ', /must not be empty/],
    ['with "="', 'backup=verified', /contains "="/],
    ['a control character', 'backup\nverified', /unprintable/],
    ['an escape sequence', 'backup \u001b[31mverified', /unprintable/],
    ['a bidi override', 'backup \u202everified', /unprintable/],
    ['a zero-width space', 'backup\u200bverified', /unprintable/],
    ['a leading space', ' backup', /starts or ends with a space/],
    ['65 characters', 'x'.repeat(65), /longer than 64 characters/],
  ])('refuses %s', (_label, name, message) => {
    const r = checkItemName(name);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.message).toMatch(message);
      expect(r.message).not.toMatch(/[\r\n]/);
      expect(r.message).not.toContain('\u001b');
    }
  });

  it('accepts exactly 64 characters', () => {
    expect(checkItemName('x'.repeat(64))).toEqual({ ok: true });
  });
});

describe('checkChecklist', () => {
  it('accepts none, or distinct valid items up to 16', () => {
    expect(checkChecklist([])).toEqual({ ok: true });
    expect(checkChecklist(Array.from({ length: 16 }, (_, i) => `item ${i}`))).toEqual({ ok: true });
  });

  it('refuses a repeated item, 17 items, or one bad name', () => {
    expect(checkChecklist(['a', 'a'])).toMatchObject({ ok: false, message: /"a" given twice/ });
    expect(checkChecklist(Array.from({ length: 17 }, (_, i) => `item ${i}`))).toMatchObject({
      ok: false,
      message: /at most 16 items, not 17/,
    });
    expect(checkChecklist(['ok', 'x=y'])).toMatchObject({ ok: false });
  });
});

describe('parseConfirmation', () => {
  it('splits at the first "=": the note may hold "=" (a link with a query)', () => {
    expect(parseConfirmation('backup verified=s3://b/snap?id=1&x=2')).toEqual({
      ok: true,
      item: 'backup verified',
      note: 's3://b/snap?id=1&x=2',
    });
  });

  it('trims the space around "="', () => {
    expect(parseConfirmation('rollback plan = CHG-118')).toMatchObject({
      item: 'rollback plan',
      note: 'CHG-118',
    });
  });

  it.each<[string, RegExp]>([
    ['backup verified', /is not ITEM=note \(no "="\)/],
    ['backup verified=', /the note for "backup verified" is empty/],
    ['backup verified=   ', /the note for "backup verified" is empty/],
    ['=snapshot', /must not be empty/],
    ['backup verified=line\nbreak', /unprintable/],
    [`backup verified=${'n'.repeat(501)}`, /longer than 500 characters/],
  ])('refuses %j', (text, message) => {
    expect(parseConfirmation(text)).toMatchObject({ ok: false, message });
  });
});

describe('checkConfirmations', () => {
  it('allows nothing for a target without a checklist', () => {
    expect(checkConfirmations('db1', [], [])).toEqual({ ok: true });
  });

  it('allows every required item confirmed, in any order, also twice by two approvers', () => {
    expect(
      checkConfirmations('db1', REQUIRED, [confirm('rollback plan'), confirm('backup verified')]),
    ).toEqual({ ok: true });
    expect(
      checkConfirmations('db1', REQUIRED, [
        confirm('backup verified', 'snap-1', 'reviewer:bob'),
        confirm('backup verified', 'snap-1 checked', 'reviewer:carol'),
        confirm('rollback plan', 'CHG-1', 'reviewer:carol'),
      ]),
    ).toEqual({ ok: true });
  });

  it('names every missing item, in the order the target lists them', () => {
    expect(checkConfirmations('db1', REQUIRED, [])).toEqual({
      ok: false,
      message:
        'checklist: db1 requires confirming "backup verified", "rollback plan" before access',
    });
    expect(checkConfirmations('db1', REQUIRED, [confirm('rollback plan')])).toEqual({
      ok: false,
      message: 'checklist: db1 requires confirming "backup verified" before access',
    });
  });

  it('names unknown items and what the target requires', () => {
    expect(
      checkConfirmations('db1', REQUIRED, [...REQUIRED.map((i) => confirm(i)), confirm('backup')]),
    ).toEqual({
      ok: false,
      message:
        'checklist: db1 has no item "backup" (it requires "backup verified", "rollback plan")',
    });
    expect(checkConfirmations('db2', [], [confirm('backup verified')])).toEqual({
      ok: false,
      message: 'checklist: db2 has no item "backup verified" (it requires none)',
    });
  });

  it('refuses an empty note and one confirmer confirming an item twice', () => {
    expect(
      checkConfirmations('db1', ['rollback plan'], [confirm('rollback plan', ' ')]),
    ).toMatchObject({ ok: false, message: /note for "rollback plan" is empty/ });
    expect(
      checkConfirmations(
        'db1',
        ['rollback plan'],
        [confirm('rollback plan'), confirm('rollback plan')],
      ),
    ).toMatchObject({ ok: false, message: /"rollback plan" confirmed twice by os:root/ });
  });

  it('shows an unknown item escaped: a message stays one line', () => {
    const r = checkConfirmations('db1', [], [confirm('x\u001b[2J\ny')]);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.message).not.toMatch(/[\r\n]/);
    expect(r.message).not.toContain('\u001b');
  });
});

describe('confirmationsOfApprovals', () => {
  it("turns each approval's item → note map into confirmations by its actor", () => {
    expect(
      confirmationsOfApprovals([
        { actor: 'reviewer:bob', confirmations: { 'backup verified': 'snap-1' } },
        { actor: 'reviewer:carol', confirmations: {} },
        { actor: 'os:dave', confirmations: { 'rollback plan': 'CHG-1', 'backup verified': 'ok' } },
      ]),
    ).toEqual([
      confirm('backup verified', 'snap-1', 'reviewer:bob'),
      confirm('rollback plan', 'CHG-1', 'os:dave'),
      confirm('backup verified', 'ok', 'os:dave'),
    ]);
  });
});
