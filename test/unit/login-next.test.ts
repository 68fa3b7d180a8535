import { describe, expect, it } from 'vitest';
import { afterLoginPath, MAX_NEXT_CHARS, sameSitePath } from '../../src/core/login-next.js';

describe('afterLoginPath', () => {
  it.each([
    '/sessions/0b9c3f4e-1d2a-4c3b-9e8f-7a6b5c4d3e2f',
    '/sessions/0b9c3f4e-1d2a-4c3b-9e8f-7a6b5c4d3e2f#t=12.5',
    '/?user=alice&from=2026-12-01',
    '/requests/12',
    '/search?q=needle%20in%20haystack',
    '/',
  ])('follows the same-site path %s', (path) => {
    expect(afterLoginPath(path)).toBe(path);
  });

  it.each([
    ['an absolute URL', 'https://evil.example/'],
    ['a scheme-relative URL', '//evil.example/sessions'],
    ['a backslash host', '/\\evil.example'],
    ['a backslash later', '/sessions\\..\\x'],
    ['a tab browsers strip', '/\t/evil.example'],
    ['a newline', '/\n/evil.example'],
    ['a space', '/ /evil.example'],
    ['a javascript: URL', 'javascript:alert(1)'],
    ['a relative path', 'sessions/1'],
    ['non-ASCII', '/séance'],
    ['the login page', '/login?next=/'],
    ['the link login page', '/login/link?token=x'],
    ['logout', '/logout'],
    ['nothing', ''],
    ['too long', `/${'a'.repeat(MAX_NEXT_CHARS)}`],
  ])('goes home instead of %s', (_what, next) => {
    expect(sameSitePath(next)).toBeNull();
    expect(afterLoginPath(next)).toBe('/');
  });

  it('goes home without a next', () => {
    expect(afterLoginPath(null)).toBe('/');
    expect(afterLoginPath(undefined)).toBe('/');
  });

  it('keeps a path that only starts like a login page', () => {
    expect(afterLoginPath('/loginsx')).toBe('/loginsx');
  });
});
