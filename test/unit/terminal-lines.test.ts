import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TERMINAL_LINE_MAX, TerminalLines } from '../../src/core/terminal-lines.js';

/** The lines alert rules see (issue 15): escape sequences out, bounded, split across chunks. */

function lines(...chunks: string[]): string[] {
  const scanner = new TerminalLines();
  const out: string[] = [];
  for (const chunk of chunks) scanner.feed(chunk, (l) => out.push(l));
  scanner.flush((l) => out.push(l));
  return out;
}

describe('TerminalLines', () => {
  it.each([
    ['plain lines', ['one\ntwo\r\nthree'], ['one', 'two', 'three']],
    ['a line split across chunks', ['ca', 't /etc/sha', 'dow\n'], ['cat /etc/shadow']],
    ['colours removed', ['\x1b[1;31m/etc/\x1b[0mshadow\r\n'], ['/etc/shadow']],
    ['a CSI split across chunks', ['/etc/\x1b[', '0', 'mshadow\n'], ['/etc/shadow']],
    ['a title (OSC) removed, BEL-ended', ['\x1b]0;title\x07$ ls\n'], ['$ ls']],
    ['an OSC ended by ST across chunks', ['a\x1b]0;ti', 'tle\x1b', '\\b\n'], ['ab']],
    ['other controls removed', ['a\x00b\x01c\x1fd\n'], ['abcd']],
    ['a typed erase (DEL) or BS takes back the character before it', ['sux\x7f\x08do\n'], ['sdo']],
    ['the echo of an erase (BS space BS)', ['rm -rX\b \bf /\r\n'], ['rm -rf /']],
    ['an erase in the next chunk', ['sudo sx', '\x7f', 'u -\r'], ['sudo su -']],
    [
      'an erase at the start of a line takes nothing from the line before',
      ['ab\n\x7fc\n'],
      ['ab', 'c'],
    ],
    ['an erase after a colour change', ['shx\x1b[0m\x7fadow\n'], ['shadow']],
    ['CR alone ends a line', ['progress 10%\rprogress 100%\n'], ['progress 10%', 'progress 100%']],
    ['empty lines skipped', ['\n\n\r\n'], []],
    ['a charset designation removed', ['\x1b(Bok\n'], ['ok']],
  ])('%s', (_name, chunks, expected) => {
    expect(lines(...chunks)).toEqual(expected);
  });

  it('passes on a line longer than the bound in pieces, holding at most the bound', () => {
    const got = lines('x'.repeat(TERMINAL_LINE_MAX * 2 + 10), '\n');
    expect(got.map((l) => l.length)).toEqual([TERMINAL_LINE_MAX, TERMINAL_LINE_MAX, 10]);
  });

  it('skips an endless string sequence without keeping it', () => {
    const scanner = new TerminalLines();
    const out: string[] = [];
    scanner.feed('\x1b]0;', (l) => out.push(l));
    for (let i = 0; i < 100; i++) scanner.feed('y'.repeat(10_000), (l) => out.push(l));
    scanner.feed('\x07done\n', (l) => out.push(l));
    expect(out).toEqual(['done']);
  });
});

describe('TerminalLines with a mayHold test', () => {
  const KEY = 'shadow';
  const withKey = (scanner: TerminalLines, chunks: readonly string[]): string[] => {
    const out: string[] = [];
    for (const chunk of chunks) scanner.feed(chunk, (l) => out.push(l));
    scanner.flush((l) => out.push(l));
    return out.filter((l) => l.includes(KEY));
  };
  const filtered = (): TerminalLines => new TerminalLines((text) => text.includes(KEY));

  it.each([
    [
      'the key early in a long unfinished line, its end in a later chunk',
      [`x${KEY}${'y'.repeat(600)}`, 'z', '\n'],
    ],
    ['the key across two chunks', ['cat /etc/sha', 'dow\n']],
    ['the key across a colour change', ['sha\x1b[0m', 'dow\n']],
    ['the key after a skipped chunk', ['a'.repeat(5000), `\n${KEY}\n`]],
    ['the key completed by an erase in a later chunk', ['shax', '\x7fdow\n']],
  ])('passes on every line the key is in: %s', (_name, chunks) => {
    expect(withKey(filtered(), chunks)).toEqual(withKey(new TerminalLines(), chunks));
    expect(withKey(filtered(), chunks)).toHaveLength(1);
  });

  it('passes on the same lines holding the key as without the test, however the stream is cut', () => {
    const piece = fc.constantFrom(
      'a',
      'sh',
      'ad',
      'ow',
      KEY,
      '\n',
      '\r',
      '\x1b[1m',
      '\x7f',
      'x'.repeat(700),
      'x'.repeat(4000),
    );
    const stream = fc.array(
      fc.array(piece, { maxLength: 12 }).map((p) => p.join('')),
      {
        maxLength: 12,
      },
    );
    fc.assert(
      fc.property(stream, (chunks) => {
        expect(withKey(filtered(), chunks)).toEqual(withKey(new TerminalLines(), chunks));
      }),
    );
  });
});
