import { describe, expect, it } from 'vitest';
import { checkKillReason, KILL_REASON_MAX } from '../../src/core/kill-reason.js';
import { messages } from '../../src/core/user-messages.js';

describe('a kill reason', () => {
  it('is one printable line, trimmed', () => {
    expect(checkKillReason('reason', '  INC-7 contained ')).toEqual({
      ok: true,
      value: 'INC-7 contained',
    });
    expect(checkKillReason('reason', 'é'.repeat(KILL_REASON_MAX))).toMatchObject({ ok: true });
  });

  it.each([
    ['empty', '   ', 'reason: must not be empty'],
    ['a newline', 'a\nb', 'reason: contains unprintable characters (control, bidi or zero-width)'],
    [
      'an escape',
      'a\u001b[2Jb',
      'reason: contains unprintable characters (control, bidi or zero-width)',
    ],
    ['bidi', 'a\u202eb', 'reason: contains unprintable characters (control, bidi or zero-width)'],
    [
      'too long',
      'x'.repeat(KILL_REASON_MAX + 1),
      `reason: 201 characters, at most ${KILL_REASON_MAX}`,
    ],
  ])('is refused when %s', (_what, text, message) => {
    expect(checkKillReason('reason', text)).toEqual({ ok: false, message });
  });

  it("is quoted after gatehouse's own words on the user's terminal", () => {
    expect(messages.closedKilled('INC-7 contained')).toBe(
      'gatehouse: session ended by an administrator: "INC-7 contained"',
    );
    expect(messages.closedKilled(null)).toBe('gatehouse: session ended by an administrator');
  });
});
