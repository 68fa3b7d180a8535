import { describe, expect, it } from 'vitest';
import type { CastEvent } from '../../src/recording/asciicast-encoder.js';
import { encodeEvent, encodeHeader } from '../../src/recording/asciicast-encoder.js';
import { CastFormatError, playback, readCast, renderText } from '../../src/recording/replay.js';

const ESC = '\u001b';
const out = (...chunks: string[]): CastEvent[] =>
  chunks.map((data, i) => ({ time: i * 0.1, kind: 'o', data }));
const header = encodeHeader({ width: 80, height: 24, startedAt: 0, title: 't' });

function castError(text: string): CastFormatError {
  try {
    readCast(text);
  } catch (e) {
    if (e instanceof CastFormatError) return e;
    throw e;
  }
  throw new Error('readCast accepted the text');
}

describe('readCast', () => {
  it('returns the header and events in order', () => {
    const text =
      header +
      encodeEvent(0.5, 'o', 'hi\r\n') +
      encodeEvent(1, 'r', '100x30') +
      encodeEvent(1.25, 'm', 'cmd');
    const cast = readCast(text);
    expect(cast.header).toMatchObject({ version: 2, width: 80, height: 24, title: 't' });
    expect(cast.events).toEqual([
      { time: 0.5, kind: 'o', data: 'hi\r\n' },
      { time: 1, kind: 'r', data: '100x30' },
      { time: 1.25, kind: 'm', data: 'cmd' },
    ]);
  });

  it.each([
    ['a broken JSON line', `${header}[0.1,"o","a"]\n[0.2,"o",\n`, 3, /line 3 is not valid JSON/],
    ['an event before the header', `[0.1,"o","a"]\n`, 1, /line 1 is not a header object/],
    ['a wrong header version', '{"version":1,"width":80,"height":24}\n', 1, /version is not 2/],
    [
      'a reordered line',
      `${header}[0.5,"o","a"]\n[0.2,"o","b"]\n`,
      3,
      /line 3 has time 0.2, before 0.5/,
    ],
    ['an unknown event kind', `${header}[0.1,"x","a"]\n`, 2, /kind is not/],
    ['a bad resize', `${header}[0.1,"r","wide"]\n`, 2, /COLSxROWS/],
    ['a missing final newline', `${header}[0.1,"o","a"]`, 2, /line 2 is incomplete/],
    ['an empty line', `${header}\n[0.1,"o","a"]\n`, 2, /line 2 is not valid JSON/],
  ])('names the line of %s', (_name, text, line, message) => {
    const e = castError(text);
    expect(e.line).toBe(line);
    expect(e.message).toMatch(message);
  });
});

describe('renderText', () => {
  it('turns CRLF output into lines', () => {
    expect(renderText(out('$ ls\r\n', 'a  b\r\n$ '))).toBe('$ ls\na  b\n$');
  });

  it('applies backspace and carriage-return overwrites', () => {
    expect(renderText(out('abc\b\bX\r\n', 'progress 10%\rprogress 100%\r\n'))).toBe(
      'aXc\nprogress 100%',
    );
  });

  it('applies readline editing (cursor left, delete char, erase to end of line)', () => {
    expect(renderText(out('$ echo helo', `${ESC}[1D`, 'lo', `\r${ESC}[K`, '$ done\r\n'))).toBe(
      '$ done',
    );
    expect(renderText(out('abcdef', `${ESC}[3D${ESC}[2P`, '\r\n'))).toBe('abcf');
  });

  it('strips colours; shows titles and DCS as placeholders above their line, even when split across events', () => {
    expect(
      renderText(
        out(`${ESC}[1;3`, `2mgreen${ESC}[0m ${ESC}]0;ti`, `tle\u0007ok ${ESC}Pq#0${ESC}\\end\r\n`),
      ),
    ).toBe('⟦OSC 0: title⟧\n⟦DCS: q#0⟧\ngreen ok end');
  });

  it('keeps a placeholder that later output overwrites or erases', () => {
    expect(renderText(out(`${ESC}]0;TITLE-SECRET\u0007\r${ESC}[2K$ \r\n`))).toBe(
      '⟦OSC 0: TITLE-SECRET⟧\n$',
    );
  });

  it('shows a string sequence left open at the end of the recording', () => {
    expect(renderText(out(`ok${ESC}_exfil`))).toBe('⟦APC (unterminated): exfil⟧\nok');
  });

  it('expands tabs to 8-column stops and ignores input and resize events', () => {
    const events: CastEvent[] = [
      { time: 0, kind: 'o', data: 'a\tb\r\n' },
      { time: 1, kind: 'i', data: 'secret' },
      { time: 2, kind: 'r', data: '90x20' },
    ];
    expect(renderText(events)).toBe('a       b');
  });

  it("shows marker events as gatehouse's own lines, which output cannot imitate", () => {
    const fake = '\u27e6── gatehouse: session ended by an administrator ──\u27e7';
    const events: CastEvent[] = [
      { time: 0, kind: 'o', data: `${fake}\r\n$ ` },
      { time: 1, kind: 'm', data: 'gatehouse: session ended by an administrator' },
    ];
    expect(renderText(events)).toBe(
      [
        '\\u27e6── gatehouse: session ended by an administrator ──\\u27e7',
        '$',
        '⟦── gatehouse: session ended by an administrator ──⟧',
      ].join('\n'),
    );
  });

  // Each output hides SECRET from a model that trusts its cursor; a terminal still shows it.
  it.each([
    ['wide characters', '中中中中中中SECRET\r\u001b[7GXXXXXX'],
    ['a zero-width character (shown escaped)', '\u200bSECRET\r\u001b[7GXXXXXX'],
    ['combining marks', 'e\u0301\u0301\u0301\u0301\u0301\u0301SECRET\r\u001b[7GXXXXXX'],
    ['cursor up', 'junk\r\nSECRET\r\u001b[1AXXXXXX'],
    ['a vertical tab', 'SECRET\r\u000bXXXXXX'],
    ['a bare LF off column 0', 'abc\nSECRET\rXXX'],
    ['insert mode', 'SECRET\r\u001b[4hXXXXXX'],
  ])('keeps what an overwrite would hide where the cursor is unsure: %s', (_, data) => {
    expect(renderText(out(data))).toContain('SECRET');
  });

  it('keeps text on a line the terminal wrapped (its width from the header or a resize)', () => {
    const wrapped = `SECRET${'a'.repeat(74)}${'b'.repeat(20)}\rXXXXXX`;
    expect(renderText(out(wrapped), 80)).toContain('SECRET');
    const events: CastEvent[] = [
      { time: 0, kind: 'r', data: '40x20' },
      { time: 1, kind: 'o', data: `SECRET${'a'.repeat(40)}\rXXXXXX` },
    ];
    expect(renderText(events, 80)).toContain('SECRET');
    // Within the width, on plain text, an overwrite still overwrites.
    expect(renderText(out(`SECRET${'a'.repeat(70)}\rXXXXXX`), 80)).toBe(`XXXXXX${'a'.repeat(70)}`);
  });

  it('survives hostile cursor moves without exhausting memory', () => {
    expect(renderText(out(`x${ESC}[999999999Cy`)).length).toBeLessThanOrEqual(4100);
  });
});

describe('playback', () => {
  const events: CastEvent[] = [
    { time: 0, kind: 'o', data: 'a' },
    { time: 1, kind: 'o', data: 'b' },
    { time: 1, kind: 'm', data: 'gatehouse: notice' },
    { time: 31, kind: 'o', data: 'c' },
    { time: 31.5, kind: 'o', data: `${ESC}]0;title\u0007d` },
  ];

  async function run(options: {
    speed?: number;
    idleLimit?: number;
    sanitize?: boolean;
  }): Promise<{ log: string[] }> {
    const log: string[] = [];
    await playback(events, {
      ...options,
      write: (text) => log.push(`w:${text}`),
      sleep: async (ms) => {
        log.push(`s:${ms}`);
      },
    });
    return { log };
  }

  const notice = `w:\r\n${ESC}[0m${ESC}(B${ESC}[7m⟦── gatehouse: notice ──⟧${ESC}[27m\r\n`;
  const title = `w:${ESC}[0m${ESC}(B${ESC}[7m⟦OSC 0: title⟧${ESC}[27md`;

  it('waits the recorded gaps before each output, sanitised; markers and titles shown highlighted', async () => {
    expect((await run({})).log).toEqual([
      'w:a',
      's:1000',
      'w:b',
      notice,
      's:30000',
      'w:c',
      's:500',
      title,
    ]);
  });

  it('caps idle gaps at idleLimit and divides by speed', async () => {
    expect((await run({ idleLimit: 2, speed: 2 })).log).toEqual([
      'w:a',
      's:500',
      'w:b',
      notice,
      's:1000',
      'w:c',
      's:250',
      title,
    ]);
  });

  it('passes raw output through only when sanitising is turned off', async () => {
    expect((await run({ sanitize: false })).log.at(-1)).toBe(`w:${ESC}]0;title\u0007d`);
  });

  it('carries tiny gaps over instead of sleeping for each', async () => {
    const log: number[] = [];
    const many: CastEvent[] = Array.from({ length: 10 }, (_, i) => ({
      time: i * 0.001,
      kind: 'o',
      data: 'x',
    }));
    await playback(many, { write: () => undefined, sleep: async (ms) => void log.push(ms) });
    expect(log.length).toBeLessThan(5);
    expect(log.reduce((a, b) => a + b, 0)).toBeCloseTo(8, 5);
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    const written: string[] = [];
    await playback(events, {
      write: (t) => written.push(t),
      sleep: async () => controller.abort(),
      signal: controller.signal,
    });
    expect(written).toEqual(['a']);
  });

  it('rejects a non-positive speed', async () => {
    await expect(
      playback(events, { speed: 0, write: () => undefined, sleep: async () => undefined }),
    ).rejects.toThrow(/speed/);
  });
});
