import { describe, expect, it } from 'vitest';
import { parsePattern, type CommandPattern } from '../../src/core/command-policy.js';
import { completeCommand } from '../../src/tty/command-completion.js';

const parse = (source: string): CommandPattern => {
  const parsed = parsePattern(source);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.pattern;
};

/** The one place completion is called: allowlist pattern texts and the line up to the cursor. */
const complete = (patterns: readonly string[], before: string) =>
  completeCommand(patterns.map(parse), before);

const ALLOW = [
  'uptime',
  'systemctl status {word}',
  'systemctl restart {enum:nginx|postgres}',
  'journalctl -u {word} -n {int}',
  'head -n {int} /var/log/syslog',
  'cat /etc/hosts',
  'cat /etc/hostname',
  'df',
  'df -h',
  'nginx -s reload',
];

describe('completeCommand', () => {
  it.each([
    { name: 'a command name that ends the line (no space)', before: 'upt', insert: 'ime' },
    { name: 'a command name with more to come (space)', before: 'sys', insert: 'temctl ' },
    {
      name: 'through every following literal while the choice is unique',
      before: 'ngi',
      insert: 'nx -s reload',
    },
    {
      name: 'a literal word, stopping before a placeholder',
      before: 'systemctl s',
      insert: 'tatus ',
    },
    { name: 'enum values are literal words', before: 'systemctl restart p', insert: 'ostgres' },
    { name: 'the common prefix of several literals', before: 'cat /etc/h', insert: 'ost' },
    {
      name: 'a literal after words that fit placeholders',
      before: 'journalctl -u nginx -',
      insert: 'n ',
    },
    { name: 'a literal after an {int}', before: 'head -n 20 /var', insert: '/log/syslog' },
    { name: 'a word that may end the line or go on gets no space', before: 'd', insert: 'f' },
  ])('completes $name', ({ before, insert }) => {
    expect(complete(ALLOW, before)).toEqual({ insert, hints: [] });
  });

  it.each([
    {
      name: 'a {word} placeholder',
      before: 'systemctl status ',
      hints: ['systemctl status {word}'],
    },
    {
      name: 'an {int} placeholder',
      before: 'journalctl -u nginx -n ',
      hints: ['journalctl -u {word} -n {int}'],
    },
    {
      name: 'a {word} placeholder, partly typed',
      before: 'journalctl -u ng',
      hints: ['journalctl -u {word} -n {int}'],
    },
    {
      name: 'several enum values',
      before: 'systemctl restart ',
      hints: ['systemctl restart {enum:nginx|postgres}'],
    },
    {
      name: 'a word typed in full that may end the line or go on',
      before: 'df',
      hints: ['df', 'df -h'],
    },
    {
      name: 'two literal choices with nothing in common',
      before: 'systemctl ',
      hints: ['systemctl status {word}', 'systemctl restart {enum:nginx|postgres}'],
    },
    {
      name: 'two literals that are both typed up to their common prefix',
      before: 'cat /etc/host',
      hints: ['cat /etc/hosts', 'cat /etc/hostname'],
    },
  ])('inserts nothing and shows the patterns at $name', ({ before, hints }) => {
    expect(complete(ALLOW, before)).toEqual({ insert: '', hints });
  });

  it('shows every pattern on an empty line', () => {
    expect(complete(ALLOW, '')).toEqual({ insert: '', hints: ALLOW });
  });

  it.each([
    { name: 'an unknown command', before: 'rm -rf /' },
    { name: 'an unknown command, partly typed', before: 'vi' },
    { name: 'a literal that does not fit', before: 'systemctl stop n' },
    { name: 'a word that does not fit its {int}', before: 'head -n twenty /v' },
    { name: 'an enum value that does not fit', before: 'systemctl restart mysql ' },
    { name: 'a line longer than every pattern', before: 'uptime now ' },
    { name: 'a double space (an empty word)', before: 'systemctl  s' },
    { name: 'a leading space', before: ' upt' },
  ])('completes nothing past $name', ({ before }) => {
    expect(complete(ALLOW, before)).toEqual({ insert: '', hints: [] });
  });

  it('does not finish a literal with a space when a placeholder could come there instead', () => {
    const patterns = ['ls /tmp -l', 'ls {path:/srv/*}'];
    expect(complete(patterns.slice(0, 1), 'ls /tmp')).toEqual({ insert: ' -l', hints: [] });
    expect(complete(patterns, 'ls /tmp').insert).toBe('');
  });

  it('completes nothing without patterns', () => {
    expect(complete([], 'upt')).toEqual({ insert: '', hints: [] });
  });
});
