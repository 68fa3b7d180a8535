import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkName, NAME_PATTERN, quoteForMessage, type NameKind } from '../../src/core/names.js';
import { BAD_NAMES } from './core-fixtures.js';

const ONE_SAFE_LINE = /^[\x20-\x7e]+$/;

describe('checkName', () => {
  it.each(['a', 'alice', 'db1', 'a.b_c-d', 'web-01.prod', 'a'.repeat(64), `z${'9'.repeat(63)}`])(
    'accepts %j',
    (name) => {
      expect(checkName('user', name)).toEqual({ ok: true });
    },
  );

  it.each(BAD_NAMES)('refuses %s', (_label, name) => {
    const r = checkName('target', name);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.message).toMatch(ONE_SAFE_LINE);
    expect(r.message.startsWith('target name "')).toBe(true);
    expect(r.message).toContain(`must match ${NAME_PATTERN.source}`);
    expect(r.message.length).toBeLessThan(300);
  });

  it.each<[NameKind, string, string]>([
    [
      'user',
      'Alice',
      'user name "Alice": must match ^[a-z][a-z0-9._-]{0,63}$ (lower case, starts with a letter)',
    ],
    ['target', '', 'target name "": must match ^[a-z][a-z0-9._-]{0,63}$ (empty)'],
    [
      'reviewer',
      '-bob',
      'reviewer name "-bob": must match ^[a-z][a-z0-9._-]{0,63}$ (lower case, starts with a letter)',
    ],
    [
      'user',
      '\u0430lice',
      'user name "\\u0430lice": must match ^[a-z][a-z0-9._-]{0,63}$ (lower case, starts with a letter)',
    ],
    [
      'user',
      'a\nb',
      'user name "a\\nb": must match ^[a-z][a-z0-9._-]{0,63}$ (lower case, starts with a letter)',
    ],
  ])('%s %j → exact message', (kind, name, message) => {
    expect(checkName(kind, name)).toEqual({ ok: false, message });
  });

  it('names the length problem and truncates a 10 KB name', () => {
    const r = checkName('user', 'a'.repeat(10_240));
    expect(r).toEqual({
      ok: false,
      message: `user name "${'a'.repeat(40)}"... (10240 chars): must match ${NAME_PATTERN.source} (at most 64 characters)`,
    });
  });

  it('property: accepted exactly when the pattern matches; messages are always one safe line', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: 'binary', maxLength: 100 }), fc.stringMatching(NAME_PATTERN)),
        (s) => {
          const r = checkName('user', s);
          expect(r.ok).toBe(NAME_PATTERN.test(s));
          if (!r.ok) expect(r.message).toMatch(ONE_SAFE_LINE);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('property: an accepted name is shown verbatim in messages (round-trips through quoting)', () => {
    fc.assert(
      fc.property(fc.stringMatching(NAME_PATTERN), (s) => {
        expect(checkName('user', s).ok).toBe(true);
        const q = quoteForMessage(s);
        if (s.length <= 40) expect(JSON.parse(q)).toBe(s);
        else expect(q.startsWith(`"${s.slice(0, 40)}"...`)).toBe(true);
      }),
    );
  });
});

describe('quoteForMessage', () => {
  it.each([
    ['plain', 'alice', '"alice"'],
    ['quote and backslash', 'a"b\\c', '"a\\"b\\\\c"'],
    ['tab/CR/LF', '\t\r\n', '"\\t\\r\\n"'],
    ['ESC', '\u001b[2J', '"\\u001b[2J"'],
    ['DEL', '\u007f', '"\\u007f"'],
    ['right-to-left override', '\u202e', '"\\u202e"'],
    ['emoji (surrogates)', '😀', '"\\ud83d\\ude00"'],
    ['41 code points', 'b'.repeat(41), `"${'b'.repeat(40)}"... (41 chars)`],
  ])('%s', (_label, input, expected) => {
    expect(quoteForMessage(input)).toBe(expected);
  });
});
