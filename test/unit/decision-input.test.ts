import { describe, expect, it } from 'vitest';
import {
  DECISION_TEXT_MAX,
  checkApproval,
  checkDecisionText,
  checkDenial,
} from '../../src/core/decision-input.js';
import { HOUR_MS } from './core-fixtures.js';

const form = (over: Partial<Parameters<typeof checkApproval>[0]> = {}) => ({
  note: '',
  for: '',
  confirmations: {},
  ...over,
});

describe('checkDecisionText', () => {
  it('trims, allows empty unless required, bounds the length', () => {
    expect(checkDecisionText('note', '  ok  ', false)).toEqual({ ok: true, value: 'ok' });
    expect(checkDecisionText('note', '   ', false)).toEqual({ ok: true, value: '' });
    expect(checkDecisionText('reason', '   ', true)).toEqual({
      ok: false,
      message: 'reason: must not be empty',
    });
    expect(checkDecisionText('note', 'é'.repeat(DECISION_TEXT_MAX), false).ok).toBe(true);
    expect(checkDecisionText('note', 'x'.repeat(DECISION_TEXT_MAX + 1), false)).toEqual({
      ok: false,
      message: `note: ${DECISION_TEXT_MAX + 1} characters, at most ${DECISION_TEXT_MAX}`,
    });
  });

  it.each([
    ['a line break', 'ok\nfake line'],
    ['a carriage return', 'ok\rover'],
    ['an escape sequence', 'ok \u001b[2J'],
    ['a C1 control', 'ok \u009b'],
    ['a bidi override', 'ok \u202egnp.exe'],
    ['a bidi isolate', 'ok \u2066x\u2069'],
    ['a line separator', 'ok\u2028x'],
    ['a zero-width space', 'o\u200bk'],
  ])('refuses %s', (_what, text) => {
    expect(checkDecisionText('note', text, false)).toEqual({
      ok: false,
      message: 'note: contains unprintable characters (control, bidi or zero-width)',
    });
  });
});

describe('checkApproval', () => {
  it('takes a note, no window, no confirmations', () => {
    expect(checkApproval(form({ note: ' fine ' }), 'ann', [])).toEqual({
      ok: true,
      value: { approver: 'ann', note: 'fine', durationMs: null, confirmations: {} },
    });
  });

  it('takes a window as a duration (the store refuses one longer than requested)', () => {
    const at = (text: string) => checkApproval(form({ for: text }), 'ann', []);
    expect(at(' 45m ')).toMatchObject({ ok: true, value: { durationMs: 45 * 60_000 } });
    expect(at('2h')).toMatchObject({ ok: true, value: { durationMs: 2 * HOUR_MS } });
    expect(at('1.5h')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^for: "1\.5h" is not a duration/),
    });
  });

  it('takes confirmations for the checklist items only; an empty one is left out for the store to name', () => {
    const checked = checkApproval(
      form({
        confirmations: {
          'backup verified': ' snapshot 2026-11-15 ',
          'rollback plan': '',
          'not on the list': 'ignored',
        },
      }),
      'ann',
      ['backup verified', 'rollback plan'],
    );
    expect(checked).toMatchObject({
      ok: true,
      value: { confirmations: { 'backup verified': 'snapshot 2026-11-15' } },
    });
  });

  it('reads only confirmations posted for an item, never inherited properties', () => {
    const checked = checkApproval(form(), 'ann', ['constructor', 'toString']);
    expect(checked).toMatchObject({ ok: true, value: { confirmations: {} } });
  });

  it('refuses a confirmation with control characters, naming the item', () => {
    expect(checkApproval(form({ confirmations: { backup: 'ok\nno' } }), 'ann', ['backup'])).toEqual(
      {
        ok: false,
        message: 'confirm "backup": contains unprintable characters (control, bidi or zero-width)',
      },
    );
  });
});

describe('checkDenial', () => {
  it('needs a reason', () => {
    expect(checkDenial('')).toEqual({ ok: false, message: 'reason: must not be empty' });
    expect(checkDenial(' freeze ')).toEqual({ ok: true, value: 'freeze' });
  });
});
