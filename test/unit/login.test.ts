import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseLogin } from '../../src/core/login.js';
import { NAME_PATTERN } from '../../src/core/names.js';
import { BAD_NAMES } from './core-fixtures.js';

describe('parseLogin', () => {
  it.each([
    ['alice+db1', 'alice', 'db1'],
    ['alice', 'alice', null],
    ['a.b-c_d+web-01.prod', 'a.b-c_d', 'web-01.prod'],
    [`${'a'.repeat(64)}+${'b'.repeat(64)}`, 'a'.repeat(64), 'b'.repeat(64)],
  ])('%j → user %j, target %j', (login, user, target) => {
    expect(parseLogin(login)).toEqual({ ok: true, user, target });
  });

  it.each([
    ['empty', '', 'user name ""'],
    ['empty target', 'alice+', 'target name ""'],
    ['empty user', '+db1', 'user name ""'],
    ['two plus signs', 'alice+db1+x', 'login "alice+db1+x": expected USER or USER+TARGET'],
    ['colon separator', 'alice:db1', 'user name "alice:db1"'],
    ['upper-case user', 'Alice+db1', 'user name "Alice"'],
    ['upper-case target', 'alice+DB1', 'target name "DB1"'],
    ['Cyrillic а in user', '\u0430lice+db1', 'user name "\\u0430lice"'],
    ['full-width target', 'alice+\uff44\uff421', 'target name "\\uff44\\uff421"'],
    ['space', 'alice +db1', 'user name "alice "'],
    ['leading -', '-oProxyCommand=x+db1', 'user name "-oProxyCommand=x"'],
    ['SQL quotes', "alice+db1'; DROP TABLE users;--", 'target name "db1\'; DROP TABLE users;--"'],
    ['10 KB', `alice+${'x'.repeat(10_240)}`, '... (10240 chars)'],
  ])('refuses %s', (_label, login, expected) => {
    const r = parseLogin(login);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.reason).toContain(expected);
    expect(r.reason).toMatch(/^[\x20-\x7e]+$/);
  });

  it.each(BAD_NAMES)('refuses bad name as user and as target: %s', (_label, name) => {
    expect(parseLogin(name).ok).toBe(false);
    expect(parseLogin(`${name}+db1`).ok).toBe(false);
    expect(parseLogin(`alice+${name}`).ok).toBe(false);
  });

  it('property: any two canonical names round-trip through USER+TARGET', () => {
    fc.assert(
      fc.property(fc.stringMatching(NAME_PATTERN), fc.stringMatching(NAME_PATTERN), (u, t) => {
        expect(parseLogin(`${u}+${t}`)).toEqual({ ok: true, user: u, target: t });
        expect(parseLogin(u)).toEqual({ ok: true, user: u, target: null });
      }),
    );
  });
});
