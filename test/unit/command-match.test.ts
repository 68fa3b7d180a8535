import { describe, expect, it } from 'vitest';
import { matchCommand, type CommandDenialReason } from '../../src/core/command-policy.js';
import { ESCAPE_ALLOWLIST, ESCAPE_CORPUS } from '../helpers/escape-corpus.js';

const ONE_SAFE_LINE = /^[\x20-\x7e]{1,300}$/;

const ALLOWLIST = [
  ...ESCAPE_ALLOWLIST,
  'cat {path:/var/log/*.log}',
  'ls {path:/home/*/.cache}',
  'systemctl {enum:start|stop} nginx',
  'id -u',
  'ls {path:/srv/.*}',
];

describe('matchCommand: allowed commands give the canonical argv and the pattern', () => {
  it.each<[string, string[], string]>([
    ['uptime', ['uptime'], 'uptime'],
    ['df -h', ['df', '-h'], 'df -h'],
    [
      'tail -n 0 /var/log/app.log',
      ['tail', '-n', '0', '/var/log/app.log'],
      'tail -n {int} /var/log/app.log',
    ],
    [
      'tail -n 50 /var/log/app.log',
      ['tail', '-n', '50', '/var/log/app.log'],
      'tail -n {int} /var/log/app.log',
    ],
    [
      'tail -n 999999999 /var/log/app.log',
      ['tail', '-n', '999999999', '/var/log/app.log'],
      'tail -n {int} /var/log/app.log',
    ],
    ['systemctl status nginx', ['systemctl', 'status', 'nginx'], 'systemctl status {word}'],
    [
      'systemctl status nginx.service',
      ['systemctl', 'status', 'nginx.service'],
      'systemctl status {word}',
    ],
    [
      'systemctl status getty_tty1-x',
      ['systemctl', 'status', 'getty_tty1-x'],
      'systemctl status {word}',
    ],
    ['systemctl status .x', ['systemctl', 'status', '.x'], 'systemctl status {word}'],
    ['cat /var/log/app.log', ['cat', '/var/log/app.log'], 'cat {path:/var/log/*.log}'],
    ['cat /var/log/a-b.c.log', ['cat', '/var/log/a-b.c.log'], 'cat {path:/var/log/*.log}'],
    ['ls /home/alice/.cache', ['ls', '/home/alice/.cache'], 'ls {path:/home/*/.cache}'],
    ['systemctl start nginx', ['systemctl', 'start', 'nginx'], 'systemctl {enum:start|stop} nginx'],
    ['systemctl stop nginx', ['systemctl', 'stop', 'nginx'], 'systemctl {enum:start|stop} nginx'],
    ['id -u', ['id', '-u'], 'id -u'],
    ['ls /srv/.x', ['ls', '/srv/.x'], 'ls {path:/srv/.*}'],
    ['ls /srv/...', ['ls', '/srv/...'], 'ls {path:/srv/.*}'],
  ])('%j', (command, argv, pattern) => {
    expect(matchCommand(command, ALLOWLIST)).toEqual({ ok: true, argv, pattern });
  });

  it('returns the first matching pattern', () => {
    expect(
      matchCommand('systemctl status x', [
        'systemctl status {enum:x|y}',
        'systemctl status {word}',
      ]),
    ).toEqual({
      ok: true,
      argv: ['systemctl', 'status', 'x'],
      pattern: 'systemctl status {enum:x|y}',
    });
  });

  it('accepts exactly 1024 bytes', () => {
    const command = `x ${'a'.repeat(1022)}`;
    expect(matchCommand(command, ['x {word}']).ok).toBe(true);
  });
});

describe('matchCommand: refused commands', () => {
  it.each<[string, CommandDenialReason]>([
    ['cat /var/log/app.txt', 'no_match'],
    ['cat /var/log/sub/app.log', 'no_match'],
    ['cat /var/log/../app.log', 'no_match'],
    ['cat /var/log/./app.log', 'no_match'],
    ['cat /var//log/app.log', 'no_match'],
    ['cat //var/log/app.log', 'no_match'],
    ['cat /var/log/app.log/', 'no_match'],
    ['cat var/log/app.log', 'no_match'],
    ['cat /var/log/.hidden.log', 'no_match'],
    ['cat /var/log/.log', 'no_match'],
    ['cat /var/log', 'no_match'],
    ['cat /var', 'no_match'],
    ['cat /', 'no_match'],
    ['cat /var/log/app.log/x.log', 'no_match'],
    ['ls /srv/..', 'no_match'],
    ['ls /srv/.', 'no_match'],
    ['ls /srv/.x/.y', 'no_match'],
    ['cat /var/log/..log', 'no_match'],
    ['cat /VAR/log/app.log', 'no_match'],
    ['ls /home/.x/.cache', 'no_match'],
    ['ls /home/../.cache', 'no_match'],
    ['ls /home/a/b/.cache', 'no_match'],
    ['systemctl restart nginx', 'no_match'],
    ['systemctl Start nginx', 'no_match'],
    ['systemctl start|stop nginx', 'unsafe_character'],
    ['systemctl status', 'no_match'],
    ['systemctl status -', 'no_match'],
    ['tail -n /var/log/app.log', 'no_match'],
    ['tail -n 1.5 /var/log/app.log', 'no_match'],
    ['tail -n 00 /var/log/app.log', 'no_match'],
    ['uptime uptime', 'no_match'],
  ])('%j → %s', (command, reason) => {
    const r = matchCommand(command, ALLOWLIST);
    expect(r).toMatchObject({ ok: false, reason });
  });

  it.each<[string, CommandDenialReason, string]>([
    ['', 'empty', 'empty command'],
    ['x'.repeat(1025), 'too_long', 'command of 1025 bytes (limit 1024)'],
    ['\u00e9'.repeat(600), 'too_long', 'command of 1200 bytes (limit 1024)'],
    ['uptime; id', 'unsafe_character', 'unsafe character ";" at position 6 in "uptime; id"'],
    ['uptime\nid', 'unsafe_character', 'unsafe character "\\n" at position 6 in "uptime\\nid"'],
    [
      '\u0443ptime',
      'unsafe_character',
      'unsafe character "\\u0443" at position 0 in "\\u0443ptime"',
    ],
    [
      '\ud83d\ude00',
      'unsafe_character',
      'unsafe character "\\ud83d\\ude00" at position 0 in "\\ud83d\\ude00"',
    ],
    ['up\ud800', 'unsafe_character', 'unsafe character "\\ud800" at position 2 in "up\\ud800"'],
    ['df  -h', 'whitespace', 'leading, trailing or double space in "df  -h"'],
    ['UPTIME', 'no_match', '"UPTIME" matches no allowed pattern'],
    [
      `tail -n 5 /var/log/${'a'.repeat(100)}`,
      'no_match',
      '"tail -n 5 /var/log/aaaaaaaaaaaaaaaaaaaaa"... (119 chars) matches no allowed pattern',
    ],
  ])('%j → %s with a safe one-line detail', (command, reason, detail) => {
    const r = matchCommand(command, ALLOWLIST);
    expect(r).toEqual({ ok: false, reason, detail });
    expect(detail).toMatch(ONE_SAFE_LINE);
  });

  it('refuses everything under an empty allowlist', () => {
    expect(matchCommand('uptime', [])).toMatchObject({ ok: false, reason: 'no_match' });
  });

  it('throws (a fault, not a "no") when a stored pattern is invalid', () => {
    expect(() => matchCommand('uptime', ['uptime', 'tail -n {num}'])).toThrow(
      /unknown placeholder \{num\}/,
    );
  });
});

describe('escape corpus against the issue-4 allowlist', () => {
  it('holds at least 40 attempts with distinct names and commands', () => {
    expect(ESCAPE_CORPUS.length).toBeGreaterThanOrEqual(40);
    expect(new Set(ESCAPE_CORPUS.map((a) => a.name)).size).toBe(ESCAPE_CORPUS.length);
    expect(new Set(ESCAPE_CORPUS.map((a) => a.command)).size).toBe(ESCAPE_CORPUS.length);
  });

  it.each(ESCAPE_CORPUS.map((a) => [a.name, a] as const))('%s is refused', (_name, attempt) => {
    const r = matchCommand(attempt.command, ESCAPE_ALLOWLIST);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.reason).toBe(attempt.reason);
    expect(r.detail).toMatch(ONE_SAFE_LINE);
  });

  it('the same allowlist does allow the honest commands (the corpus is not refused for nothing)', () => {
    for (const command of [
      'uptime',
      'df -h',
      'tail -n 5 /var/log/app.log',
      'systemctl status nginx',
    ]) {
      expect(matchCommand(command, ESCAPE_ALLOWLIST).ok).toBe(true);
    }
  });
});
