import { describe, expect, it } from 'vitest';
import { searchTextProblem } from '../../src/core/recording-search.js';

describe('searchTextProblem', () => {
  it('takes 3 to 200 printable characters, FTS5 syntax included (the store quotes it)', () => {
    for (const q of ['abc', 'a"b', 'NEAR(a b)', 'body:x', 'ab*', 'é ü', 'x'.repeat(200)]) {
      expect(searchTextProblem(q)).toBeNull();
    }
  });

  it('refuses a length out of bounds and any C0, DEL or C1 control character', () => {
    expect(searchTextProblem('ab')).toMatch(/3 to 200 characters/);
    expect(searchTextProblem('x'.repeat(201))).toMatch(/3 to 200 characters/);
    for (const q of ['\u0000abc', 'ab\u001bc', 'ab\u007fc', 'ab\u009bc', 'ab\tc']) {
      expect(searchTextProblem(q)).toBe('The search text must not contain control characters.');
    }
  });
});
