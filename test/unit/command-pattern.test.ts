import { describe, expect, it } from 'vitest';
import { parsePattern, validatePatterns, type PatternWord } from '../../src/core/command-policy.js';

const HELP = '(use {int}, {word}, {path:GLOB}, {enum:a|b})';
const ALLOWED = 'A-Z a-z 0-9 # % + , - . / : = @ [ ] ^ _';

describe('parsePattern: good patterns', () => {
  it.each<[string, PatternWord[]]>([
    ['uptime', [{ kind: 'literal', value: 'uptime' }]],
    [
      'df -h',
      [
        { kind: 'literal', value: 'df' },
        { kind: 'literal', value: '-h' },
      ],
    ],
    [
      'tail -n {int} /var/log/app.log',
      [
        { kind: 'literal', value: 'tail' },
        { kind: 'literal', value: '-n' },
        { kind: 'int' },
        { kind: 'literal', value: '/var/log/app.log' },
      ],
    ],
    [
      'systemctl status {word}',
      [
        { kind: 'literal', value: 'systemctl' },
        { kind: 'literal', value: 'status' },
        { kind: 'word' },
      ],
    ],
    [
      'cat {path:/var/log/*.log}',
      [
        { kind: 'literal', value: 'cat' },
        { kind: 'path', glob: '/var/log/*.log', segments: ['var', 'log', '*.log'] },
      ],
    ],
    [
      'systemctl {enum:start|stop} nginx',
      [
        { kind: 'literal', value: 'systemctl' },
        { kind: 'enum', values: ['start', 'stop'] },
        { kind: 'literal', value: 'nginx' },
      ],
    ],
    ['{enum:uptime|w}', [{ kind: 'enum', values: ['uptime', 'w'] }]],
    [
      '{path:/opt/tools/*.sh}',
      [{ kind: 'path', glob: '/opt/tools/*.sh', segments: ['opt', 'tools', '*.sh'] }],
    ],
    [
      'ls {path:/home/*/.cache}',
      [
        { kind: 'literal', value: 'ls' },
        { kind: 'path', glob: '/home/*/.cache', segments: ['home', '*', '.cache'] },
      ],
    ],
    [
      'journalctl --since=today -u x@y:1 a,b+c%d#e^f[g]',
      [
        { kind: 'literal', value: 'journalctl' },
        { kind: 'literal', value: '--since=today' },
        { kind: 'literal', value: '-u' },
        { kind: 'literal', value: 'x@y:1' },
        { kind: 'literal', value: 'a,b+c%d#e^f[g]' },
      ],
    ],
    [
      'echo {int} {int} {word}',
      [{ kind: 'literal', value: 'echo' }, { kind: 'int' }, { kind: 'int' }, { kind: 'word' }],
    ],
  ])('%j', (text, words) => {
    expect(parsePattern(text)).toEqual({ ok: true, pattern: { source: text, words } });
  });

  it('accepts exactly 1024 bytes', () => {
    const text = `x ${'a'.repeat(1022)}`;
    expect(parsePattern(text).ok).toBe(true);
    expect(parsePattern(`${text}a`).ok).toBe(false);
  });
});

describe('parsePattern: bad patterns name the problem on one line', () => {
  it.each<[string, string]>([
    ['', 'allow pattern "": empty'],
    ['tail -n {num}', `allow pattern "tail -n {num}": unknown placeholder {num} ${HELP}`],
    ['tail -n {INT}', `allow pattern "tail -n {INT}": unknown placeholder {INT} ${HELP}`],
    ['x {}', `allow pattern "x {}": unknown placeholder "{}" ${HELP}`],
    ['x {a"b}', `allow pattern "x {a\\"b}": unknown placeholder "{a\\"b}" ${HELP}`],
    [' uptime', 'allow pattern " uptime": leading or trailing space'],
    ['uptime ', 'allow pattern "uptime ": leading or trailing space'],
    ['df  -h', 'allow pattern "df  -h": words must be separated by single spaces'],
    [
      'df\t-h',
      `allow pattern "df\\t-h": unsafe character "\\t" in word "df\\t-h" (allowed: ${ALLOWED})`,
    ],
    [
      'df -h; id',
      `allow pattern "df -h; id": unsafe character ";" in word "-h;" (allowed: ${ALLOWED})`,
    ],
    [
      'echo $HOME',
      `allow pattern "echo $HOME": unsafe character "$" in word "$HOME" (allowed: ${ALLOWED})`,
    ],
    [
      'echo "x"',
      `allow pattern "echo \\"x\\"": unsafe character "\\"" in word "\\"x\\"" (allowed: ${ALLOWED})`,
    ],
    [
      'cat /var/log/*.log',
      `allow pattern "cat /var/log/*.log": unsafe character "*" in word "/var/log/*.log" (allowed: ${ALLOWED})`,
    ],
    [
      '\u0443ptime',
      `allow pattern "\\u0443ptime": unsafe character "\\u0443" in word "\\u0443ptime" (allowed: ${ALLOWED})`,
    ],
    [
      'uptime\n',
      `allow pattern "uptime\\n": unsafe character "\\n" in word "uptime\\n" (allowed: ${ALLOWED})`,
    ],
    ['x --n={int}', 'allow pattern "x --n={int}": a placeholder must be a whole word: "--n={int}"'],
    [
      'x {int}{int}',
      'allow pattern "x {int}{int}": a placeholder must be a whole word: "{int}{int}"',
    ],
    ['x {int', 'allow pattern "x {int": a placeholder must be a whole word: "{int"'],
    ['x int}', 'allow pattern "x int}": a placeholder must be a whole word: "int}"'],
    ['x {int:5}', 'allow pattern "x {int:5}": {int} takes no argument: "{int:5}"'],
    ['x {word:a}', 'allow pattern "x {word:a}": {word} takes no argument: "{word:a}"'],
    [
      '{word}',
      'allow pattern "{word}": the command name cannot be {word}; use a literal, {enum:...} or {path:GLOB}',
    ],
    [
      '{int} x',
      'allow pattern "{int} x": the command name cannot be {int}; use a literal, {enum:...} or {path:GLOB}',
    ],
    ['cat {path}', 'allow pattern "cat {path}": {path} needs a glob, e.g. {path:/var/log/*.log}'],
    ['cat {path:}', 'allow pattern "cat {path:}": {path} needs a glob, e.g. {path:/var/log/*.log}'],
    [
      'cat {path:var/*.log}',
      'allow pattern "cat {path:var/*.log}": bad glob "var/*.log": must be absolute (start with /)',
    ],
    [
      'cat {path:/var//*.log}',
      'allow pattern "cat {path:/var//*.log}": bad glob "/var//*.log": empty segment (// or trailing /)',
    ],
    [
      'cat {path:/var/log/}',
      'allow pattern "cat {path:/var/log/}": bad glob "/var/log/": empty segment (// or trailing /)',
    ],
    [
      'cat {path:/}',
      'allow pattern "cat {path:/}": bad glob "/": empty segment (// or trailing /)',
    ],
    [
      'cat {path:/var/../*.log}',
      'allow pattern "cat {path:/var/../*.log}": bad glob "/var/../*.log": ".." segment',
    ],
    [
      'cat {path:/var/./x}',
      'allow pattern "cat {path:/var/./x}": bad glob "/var/./x": "." segment',
    ],
    [
      'cat {path:/var/**/x}',
      'allow pattern "cat {path:/var/**/x}": bad glob "/var/**/x": "**" is not supported (* matches within one segment)',
    ],
    [
      'cat {path:/var/log/app?.log}',
      'allow pattern "cat {path:/var/log/app?.log}": bad glob "/var/log/app?.log": unsafe character "?"',
    ],
    [
      'cat {path:/var/log/a b}',
      'allow pattern "cat {path:/var/log/a b}": a placeholder must be a whole word: "{path:/var/log/a"',
    ],
    ['x {enum}', 'allow pattern "x {enum}": {enum} needs alternatives, e.g. {enum:start|stop}'],
    ['x {enum:}', 'allow pattern "x {enum:}": {enum} needs alternatives, e.g. {enum:start|stop}'],
    ['x {enum:a||b}', 'allow pattern "x {enum:a||b}": empty alternative in "{enum:a||b}"'],
    ['x {enum:a|}', 'allow pattern "x {enum:a|}": empty alternative in "{enum:a|}"'],
    [
      'x {enum:a|b;c}',
      `allow pattern "x {enum:a|b;c}": unsafe character ";" in alternative "b;c" (allowed: ${ALLOWED})`,
    ],
    [
      'x {enum:a|*}',
      `allow pattern "x {enum:a|*}": unsafe character "*" in alternative "*" (allowed: ${ALLOWED})`,
    ],
    [
      'x {enum:a|b|a}',
      'allow pattern "x {enum:a|b|a}": duplicate alternative "a" in "{enum:a|b|a}"',
    ],
  ])('%j', (text, message) => {
    expect(parsePattern(text)).toEqual({ ok: false, message });
  });

  it('refuses more than 1024 bytes, counting UTF-8 bytes, and truncates the quote', () => {
    expect(parsePattern(`x ${'a'.repeat(2000)}`)).toEqual({
      ok: false,
      message: `allow pattern "x ${'a'.repeat(38)}"... (2002 chars): 2002 bytes, longer than 1024`,
    });
    const r = parsePattern(`x ${'\u00e9'.repeat(512)}`);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/: 1026 bytes, longer than 1024$/);
  });

  it('every message is one printable ASCII line', () => {
    for (const text of [
      'a\nb',
      'a\r\nb',
      '\u202e',
      'a\0b',
      '{\u0000}',
      `x {${'\u0430'.repeat(500)}}`,
    ]) {
      const r = parsePattern(text);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.message).toMatch(/^[\x20-\x7e]+$/);
    }
  });
});

describe('validatePatterns', () => {
  it('accepts an empty list and a list of good patterns', () => {
    expect(validatePatterns([])).toEqual({ ok: true });
    expect(validatePatterns(['uptime', 'df -h', 'tail -n {int} /var/log/app.log'])).toEqual({
      ok: true,
    });
  });

  it('returns the first error', () => {
    expect(validatePatterns(['uptime', 'tail -n {num}', 'df  -h'])).toEqual({
      ok: false,
      message: `allow pattern "tail -n {num}": unknown placeholder {num} ${HELP}`,
    });
  });
});
