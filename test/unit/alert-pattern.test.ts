import { describe, expect, it } from 'vitest';
import {
  compileAlertPattern,
  matchesAlertPattern,
  type AlertPattern,
} from '../../src/core/alert-pattern.js';
import { alertExcerpt, compileAlertRules, matchingAlertRules } from '../../src/core/alert-rules.js';

/** Config `alerts` patterns (issue 15): the safe subset, refused regex syntax, linear matching. */

function pattern(source: string): AlertPattern {
  const compiled = compileAlertPattern(source);
  if (!compiled.ok) throw new Error(`${source}: ${compiled.problem}`);
  return compiled.pattern;
}

describe('alert patterns: what matches', () => {
  it.each([
    ['rm -rf', 'sudo rm -rf /var/lib', true],
    ['rm -rf', 'rm -r -f /', false],
    ['RM', 'rm', false],
    ['^sudo ', 'sudo ls', true],
    ['^sudo ', 'echo sudo ls', false],
    ['.sql$', 'pg_dump > dump.sql', true],
    ['.sql$', 'dump.sql.gz', false],
    ['^ls$', 'ls', true],
    ['^ls$', 'ls -l', false],
    ['curl * \\| sh', 'curl https://x.example | sh', true],
    ['curl * \\| sh', 'curl https://x.example | bash', false],
    ['a*b*c', 'xxaxxbxxcxx', true],
    ['a*b*c', 'xxcxxbxxaxx', false],
    ['^a*c$', 'abc', true],
    ['^a*c$', 'abcd', false],
    ['^ab*bc$', 'abc', false], // the two segments cannot overlap
    ['^ab*bc$', 'abbc', true],
    ['password*=', 'PASSWORD=1 password = 2', true],
    ['\\*\\^\\$', 'a*^$b', true],
    ['^*.pem$', 'id.pem', true],
  ])('%s on %j: %s', (source, line, expected) => {
    expect(matchesAlertPattern(pattern(source), line)).toBe(expected);
  });
});

describe('alert patterns: what is refused', () => {
  it.each([
    ['', 'is empty'],
    ['*', 'has no literal text'],
    ['^*$', 'has no literal text'],
    ['(a+)+$', 'uses "(", regular expression syntax'],
    ['(x+x+)+y', 'uses "(", regular expression syntax'],
    ['a|b', 'uses "|"'],
    ['[a-z]+', 'uses "["'],
    ['a?', 'uses "?"'],
    ['\\d+', 'uses "\\d", regular expression syntax'],
    ['a^b', 'has "^" inside'],
    ['a$b', 'has "$" inside'],
    ['ab\\', 'ends with a lone "\\"'],
    ['a\u0007b', 'holds a control or invisible character'],
    ['x'.repeat(201), 'is longer than 200 characters'],
  ])('%j: %s', (source, problem) => {
    const compiled = compileAlertPattern(source);
    expect(compiled.ok).toBe(false);
    if (!compiled.ok) expect(compiled.problem).toContain(problem);
  });
});

describe('alert patterns: adversarial input', () => {
  // A backtracking matcher takes far longer than the test's timeout on these.
  it('many stars against a long line that almost matches', { timeout: 2000 }, () => {
    const p = pattern(`^${'a*'.repeat(60)}b$`);
    for (let i = 0; i < 100; i++) expect(matchesAlertPattern(p, 'a'.repeat(4096))).toBe(false);
    expect(matchesAlertPattern(p, `${'a'.repeat(4096)}b`)).toBe(true);
  });

  it('a near-miss literal repeated over a long line', { timeout: 2000 }, () => {
    const p = pattern(`${'a'.repeat(199)}b`);
    expect(matchesAlertPattern(p, 'a'.repeat(4096))).toBe(false);
    expect(matchesAlertPattern(p, `${'a'.repeat(4096)}b`)).toBe(true);
  });
});

describe('alert rules', () => {
  const specs = [
    { name: 'shadow', match: '/etc/shadow', on: 'output', action: 'flag' },
    { name: 'drop', match: 'DROP TABLE', on: 'command', action: 'end' },
    { name: 'shadow-cmd', match: '/etc/shadow', on: 'command', action: 'notify' },
  ] as const;

  it('picks the rules for the source whose pattern matches, in config order', () => {
    const compiled = compileAlertRules(specs);
    if (!compiled.ok) throw new Error(compiled.message);
    const names = (on: 'command' | 'output', line: string) =>
      matchingAlertRules(compiled.rules, on, line).map((r) => r.name);
    expect(names('command', 'cat /etc/shadow')).toEqual(['shadow-cmd']);
    expect(names('output', 'cat /etc/shadow')).toEqual(['shadow']);
    expect(names('command', 'psql -c "DROP TABLE x"')).toEqual(['drop']);
    expect(names('command', 'ls')).toEqual([]);
  });

  it('refuses a bad pattern with one line naming the rule', () => {
    const compiled = compileAlertRules([
      ...specs,
      { name: 'boom', match: '(a+)+$', on: 'output', action: 'flag' },
    ]);
    expect(compiled).toEqual({
      ok: false,
      message:
        'alert rule "boom": match "(a+)+$" uses "(", regular expression syntax: the safe subset is literal text, "*", "^" and "$" (escape it as "\\(")',
    });
  });

  it('refuses a name used twice', () => {
    expect(compileAlertRules([specs[0], specs[0]])).toEqual({
      ok: false,
      message: 'alert rule "shadow" is defined twice',
    });
  });

  it('keeps an excerpt of at most 200 characters, escaped', () => {
    expect(alertExcerpt('a\u202eb "c"')).toBe('a\\u202eb \\"c\\"');
    const long = alertExcerpt('x'.repeat(4096));
    expect(long.length).toBeLessThanOrEqual(200);
    expect(long).toMatch(/…\(\+\d+ chars\)$/);
    expect(alertExcerpt('\u0001'.repeat(4096)).length).toBeLessThanOrEqual(200);
  });
});
