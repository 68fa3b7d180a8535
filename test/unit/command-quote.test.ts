import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quoteArgv, shellQuote } from '../../src/core/command-policy.js';
import { parseSingleQuoted } from './command-sh-reader.js';

describe('quoteArgv', () => {
  it.each<[string[], string]>([
    [['uptime'], "'uptime'"],
    [['df', '-h'], "'df' '-h'"],
    [['tail', '-n', '5', '/var/log/app.log'], "'tail' '-n' '5' '/var/log/app.log'"],
    [['x', '#a', '[b]', 'c=d', 'e^f'], "'x' '#a' '[b]' 'c=d' 'e^f'"],
  ])('%j → %s', (argv, line) => {
    expect(quoteArgv(argv)).toBe(line);
    expect(parseSingleQuoted(line)).toEqual(argv);
  });

  it.each<[string, string[]]>([
    ['empty argv', []],
    ['empty argument', ['echo', '']],
    ['space inside an argument', ['echo', 'a b']],
    ['single quote', ['echo', "it's"]],
    ['semicolon', ['echo', 'a;b']],
    ['dollar', ['echo', '$HOME']],
    ['newline', ['echo', 'a\nb']],
    ['NUL', ['echo', 'a\0b']],
    ['non-ASCII', ['\u0443ptime']],
  ])('throws on %s (defence in depth)', (_label, argv) => {
    expect(() => quoteArgv(argv)).toThrow(/quoteArgv/);
  });
});

describe('shellQuote', () => {
  it.each<[string, string]>([
    ['', "''"],
    ["it's", "'it'\\''s'"],
    ["'", "''\\'''"],
    ['$(id) `id` ; | &', "'$(id) `id` ; | &'"],
  ])('%j → %s', (arg, quoted) => {
    expect(shellQuote(arg)).toBe(quoted);
  });

  it('any argv of any strings reads back exactly', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'binary', maxLength: 20 }), { minLength: 1, maxLength: 6 }),
        (argv) => {
          expect(parseSingleQuoted(argv.map(shellQuote).join(' '))).toEqual(argv);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
