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
    ['other controls removed', ['a\x00b\x08c\x7fd\n'], ['abcd']],
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
