import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchArgv, matchCommand, parsePattern, quoteArgv } from '../../src/core/command-policy.js';
import { ESCAPE_ALLOWLIST } from '../helpers/escape-corpus.js';
import { parseSingleQuoted } from './command-sh-reader.js';

const ALLOWLIST = [
  ...ESCAPE_ALLOWLIST,
  'cat {path:/var/log/*.log}',
  'ls {path:/home/*/.cache}',
  'systemctl {enum:start|stop} nginx',
  'x {path:/a/*b*c/*} {int}',
  'ls {path:/srv/.*}',
];

// ---- an independent reference matcher, written with regexes -------------------------------

const SAFE = /^[ A-Za-z0-9#%+,\-./:=@[\]^_]*$/;
const SEG_CHAR = '[A-Za-z0-9#%+,\\-.:=@\\[\\]^_]';
const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

function globSegmentRe(seg: string): string {
  const notDotDot = '(?!\\.\\.?(?:/| |$))';
  const notHidden = seg.startsWith('.') ? '' : '(?!\\.)';
  return notDotDot + notHidden + seg.split('*').map(escapeRe).join(`${SEG_CHAR}*`);
}

function wordRe(word: string): string {
  if (word === '{int}') return '(?:0|[1-9][0-9]{0,8})';
  if (word === '{word}') return '[A-Za-z0-9._][A-Za-z0-9._-]*';
  const path = /^\{path:(.+)\}$/.exec(word);
  if (path)
    return path[1]!
      .split('/')
      .slice(1)
      .map((s) => `/${globSegmentRe(s)}`)
      .join('');
  const en = /^\{enum:(.+)\}$/.exec(word);
  if (en) return `(?:${en[1]!.split('|').map(escapeRe).join('|')})`;
  return escapeRe(word);
}

const REFERENCE = ALLOWLIST.map((p) => new RegExp(`^${p.split(' ').map(wordRe).join(' ')}$`));
const referenceAllows = (command: string): boolean => REFERENCE.some((re) => re.test(command));

// ---- generators ---------------------------------------------------------------------------

const UNSAFE_PRINTABLE = [...';&|$`<>(){}*?!~\'"\\'];
const unsafeChar = fc.oneof(
  fc.constantFrom(...UNSAFE_PRINTABLE),
  fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)),
  fc.constant('\x7f'),
  fc
    .integer({ min: 0x80, max: 0x10ffff })
    .map((c) => (c >= 0xd800 && c <= 0xdfff ? String.fromCharCode(c) : String.fromCodePoint(c))),
);

const TOKENS = [
  'cat ',
  'ls ',
  'tail -n ',
  'systemctl status ',
  'x /a/',
  '/srv/',
  '/var/log/app',
  '/home/a',
  'uptime',
  'df',
  '-h',
  'tail',
  '-n',
  'systemctl',
  'status',
  'cat',
  'ls',
  'x',
  'nginx',
  'start',
  'stop',
  '/var/log/app.log',
  '/var/log/',
  '/var/log',
  '/home/',
  'alice',
  '/.cache',
  '.cache',
  '/a/',
  'b',
  'c',
  'bc',
  '/',
  'app',
  '.log',
  '.',
  '..',
  '0',
  '5',
  '05',
  '42',
  '999999999',
  '1000000000',
  '-5',
  '+5',
  '-',
  ' ',
  ' ',
  ' ',
  ' ',
  '  ',
  '#',
  '=',
  '[',
  ']',
  '_',
  'A',
  'U',
  'UPTIME',
  ...UNSAFE_PRINTABLE,
  '\t',
  '\n',
  '\r',
  '\0',
  '\x7f',
  '\u0443',
  '\uff55',
  '\u200b',
  '\u00a0',
];
const token = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...TOKENS) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 3 }) },
  { weight: 1, arbitrary: fc.stringMatching(/^[a-z0-9./-]{1,6}$/) },
);
const commandLike = fc.array(token, { maxLength: 10 }).map((parts) => parts.join(''));

/** Honest instances of the allowlist, to show the properties are not vacuous. */
const segment = fc.stringMatching(/^[A-Za-z0-9_-][A-Za-z0-9._-]{0,5}$/);
const instance = fc.oneof(
  fc.constant('uptime'),
  fc.constant('df -h'),
  fc.nat({ max: 999_999_999 }).map((n) => `tail -n ${n} /var/log/app.log`),
  fc.stringMatching(/^[A-Za-z0-9._][A-Za-z0-9._-]{0,10}$/).map((w) => `systemctl status ${w}`),
  segment.map((s) => `cat /var/log/${s}.log`),
  segment.map((s) => `ls /home/${s}/.cache`),
  fc.constantFrom('start', 'stop').map((v) => `systemctl ${v} nginx`),
  fc.tuple(segment, segment, fc.nat()).map(([a, b, n]) => `x /a/${a}b${b}c/${a} ${n % 1000}`),
  segment.map((s) => `ls /srv/.${s}`),
);

const RUNS = { numRuns: 3000 };

describe('matchCommand properties', () => {
  it('(a) any string holding a character outside the safe set is refused', () => {
    const withUnsafe = fc
      .tuple(
        fc.oneof(commandLike, fc.string({ maxLength: 60 })),
        unsafeChar,
        fc.oneof(commandLike, fc.string({ maxLength: 60 })),
      )
      .map(([a, bad, b]) => a + bad + b);
    fc.assert(
      fc.property(withUnsafe, (command) => {
        const r = matchCommand(command, ALLOWLIST);
        expect(r).toMatchObject({ ok: false, reason: 'unsafe_character' });
      }),
      RUNS,
    );
  });

  it('(b) ok ⇒ argv joins back to the input, is in the safe set and fits the pattern word by word', () => {
    let allowed = 0;
    fc.assert(
      fc.property(
        fc.oneof(commandLike, instance, fc.string({ unit: 'binary', maxLength: 40 })),
        (command) => {
          const r = matchCommand(command, ALLOWLIST);
          if (!r.ok) return;
          allowed++;
          expect(r.argv.join(' ')).toBe(command);
          for (const arg of r.argv) expect(arg).toMatch(/^[A-Za-z0-9#%+,\-./:=@[\]^_]+$/);
          const parsed = parsePattern(r.pattern);
          expect(parsed.ok && matchArgv(parsed.pattern, r.argv)).toBe(true);
          expect(ALLOWLIST).toContain(r.pattern);
          expect(parseSingleQuoted(quoteArgv(r.argv))).toEqual(r.argv);
        },
      ),
      RUNS,
    );
    expect(allowed).toBeGreaterThan(100);
  });

  it('(c) allowed exactly when an independent regex matcher accepts the string', () => {
    let allowed = 0;
    fc.assert(
      fc.property(fc.oneof(commandLike, instance), (command) => {
        const r = matchCommand(command, ALLOWLIST);
        if (r.ok) allowed++;
        expect(r.ok).toBe(referenceAllows(command));
        if (!r.ok && command !== '' && !SAFE.test(command))
          expect(r.reason).toBe('unsafe_character');
      }),
      { numRuns: 5000 },
    );
    expect(allowed).toBeGreaterThan(100);
  });

  it('honest instances are allowed, and one changed character outside the safe set refuses them', () => {
    fc.assert(
      fc.property(instance, fc.nat(), unsafeChar, (command, at, bad) => {
        expect(matchCommand(command, ALLOWLIST).ok).toBe(true);
        const i = at % (command.length + 1);
        const mutated = command.slice(0, i) + bad + command.slice(i);
        expect(matchCommand(mutated, ALLOWLIST)).toMatchObject({
          ok: false,
          reason: 'unsafe_character',
        });
      }),
      RUNS,
    );
  });
});
