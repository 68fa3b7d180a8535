import { describe, expect, it } from 'vitest';
import { auditEventList, payloadFields } from '../../src/web/pages/audit-event-fields.js';

const T = Date.UTC(2026, 11, 1, 12, 30, 0);

describe('payloadFields', () => {
  it('shows `…At` epoch milliseconds as ISO times, and other numbers as they are', () => {
    expect(payloadFields({ grantId: 7, endsAt: T, previousEndsAt: T - 3_600_000 })).toEqual([
      ['grantId', '7'],
      ['endsAt', '2026-12-01T12:30:00Z'],
      ['previousEndsAt', '2026-12-01T11:30:00Z'],
    ]);
  });

  it('names nested values with dots and list positions; lists of words on one line', () => {
    expect(
      payloadFields({
        roles: ['reviewer', 'approver'],
        stdin: { bytes: 3, sha256: 'ab' },
        confirmations: [{ item: 'backup', by: 'carol' }],
        command: null,
        allowlist: [],
      }),
    ).toEqual([
      ['roles', 'reviewer, approver'],
      ['stdin.bytes', '3'],
      ['stdin.sha256', 'ab'],
      ['confirmations[0].item', 'backup'],
      ['confirmations[0].by', 'carol'],
      ['command', '-'],
      ['allowlist', '-'],
    ]);
  });

  it('keeps what is nested deeper than three levels as JSON', () => {
    expect(payloadFields({ a: { b: { c: { d: 1 } } } })).toEqual([['a.b.c', '{"d":1}']]);
  });
});

describe('auditEventList', () => {
  it('one definition list per event, with its time, actor, node and escaped fields', () => {
    const out = auditEventList([
      {
        seq: 12,
        ts: T,
        actor: 'user:alice',
        type: 'session.start',
        payload: { command: '<script>alert(1)</script>' },
        prevHash: '',
        hash: '',
        node: 'bastion-b',
      },
    ]).value;
    expect(out).toContain('<dt>Node</dt>\n      <dd>bastion-b</dd>');
    expect(out).toContain('<dt>Time (UTC)</dt>');
    expect(out).toContain('2026-12-01T12:30:00Z');
    expect(out).not.toContain(String(T));
    expect(out).toContain('&lt;script&gt;');
    expect(out).not.toContain('<script>');
  });
});
