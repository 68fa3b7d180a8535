import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CastStreamEncoder,
  Utf8StreamDecoder,
  castTime,
  encodeEvent,
  encodeHeader,
} from '../../src/recording/asciicast-encoder.js';
import { parseEventLine } from '../../src/recording/cast-format.js';
import { LineSlabs } from '../../src/recording/line-slabs.js';

describe('encodeHeader', () => {
  it('writes version, size, whole-second timestamp, title and env on one line', () => {
    const line = encodeHeader({
      width: 120,
      height: 40,
      startedAt: 1_700_000_000_999,
      title: 'alice@db1: uptime',
      term: 'xterm-256color',
      shell: '/bin/bash',
    });
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    expect(JSON.parse(line)).toEqual({
      version: 2,
      width: 120,
      height: 40,
      timestamp: 1_700_000_000,
      title: 'alice@db1: uptime',
      env: { TERM: 'xterm-256color', SHELL: '/bin/bash' },
    });
  });

  it('leaves out what is not known', () => {
    expect(JSON.parse(encodeHeader({ width: 80, height: 24, startedAt: 0 }))).toEqual({
      version: 2,
      width: 80,
      height: 24,
      timestamp: 0,
      env: {},
    });
  });
});

describe('encodeEvent', () => {
  it.each([
    ['ESC', '\u001b[31mred\u001b[0m', '"\\u001b[31mred\\u001b[0m"'],
    ['newline and CR', 'a\r\nb', '"a\\r\\nb"'],
    ['quotes and backslash', 'say "hi" \\o/', '"say \\"hi\\" \\\\o/"'],
    ['NUL, BEL, BS, DEL', '\u0000\u0007\b\u007f', '"\\u0000\\u0007\\b\u007f"'],
    ['line separators', '\u2028\u2029', '"\u2028\u2029"'],
  ])('escapes %s exactly and round-trips', (_name, data, json) => {
    const line = encodeEvent(1.5, 'o', data);
    expect(line).toBe(`[1.5,"o",${json}]\n`);
    expect(line.slice(0, -1).includes('\n')).toBe(false);
    expect(JSON.parse(line)).toEqual([1.5, 'o', data]);
  });

  it('keeps microsecond precision and no float noise', () => {
    expect(encodeEvent(0.1 + 0.2, 'o', 'x')).toBe('[0.3,"o","x"]\n');
    expect(encodeEvent(12.3456789, 'm', 'x')).toBe('[12.345679,"m","x"]\n');
    expect(castTime(1e-7)).toBe(0);
  });

  it('any string encodes to one parseable event line', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary' }),
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        (data, t) => {
          const line = encodeEvent(t, 'o', data);
          expect(line.indexOf('\n')).toBe(line.length - 1);
          const parsed = parseEventLine(line.slice(0, -1));
          expect(parsed.ok).toBe(true);
        },
      ),
    );
  });
});

describe('Utf8StreamDecoder', () => {
  const samples = ['héllo', '日本語のテキスト', 'emoji 👩‍💻 and 🎉!', 'mixed ✓ 中 \u001b[1m 😀'];

  it.each(samples)('keeps %s whole when split at every byte boundary across two writes', (text) => {
    const bytes = Buffer.from(text, 'utf8');
    for (let cut = 0; cut <= bytes.length; cut++) {
      const d = new Utf8StreamDecoder();
      const out = d.write(bytes.subarray(0, cut)) + d.write(bytes.subarray(cut)) + d.end();
      expect(out).toBe(text);
    }
  });

  it('keeps a 4-byte emoji whole when it arrives one byte per write', () => {
    const d = new Utf8StreamDecoder();
    const parts = [...Buffer.from('😀', 'utf8')].map((b) => d.write(Buffer.from([b])));
    expect(parts).toEqual(['', '', '', '😀']);
  });

  it('turns invalid bytes into U+FFFD without dropping the text around them', () => {
    const d = new Utf8StreamDecoder();
    const out = d.write(Buffer.from([0x61, 0xff, 0x62, 0xc3, 0x28, 0x63])) + d.end();
    expect(out).toBe('a\uFFFDb\uFFFD(c');
  });

  it('flushes a character cut off by the end of the stream as U+FFFD', () => {
    const d = new Utf8StreamDecoder();
    expect(d.write(Buffer.from([0x41, 0xe6, 0x97]))).toBe('A');
    expect(d.end()).toBe('\uFFFD');
  });

  it('keeps a leading byte order mark (it is output the user saw)', () => {
    const d = new Utf8StreamDecoder();
    expect(d.write(Buffer.from('\uFEFFx', 'utf8'))).toBe('\uFEFFx');
  });

  it('decodes any byte sequence cut anywhere the same as in one piece', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.nat(), (bytes, n) => {
        const cut = bytes.length === 0 ? 0 : n % (bytes.length + 1);
        const whole = new Utf8StreamDecoder();
        const split = new Utf8StreamDecoder();
        const expected = whole.write(bytes) + whole.end();
        expect(
          split.write(bytes.subarray(0, cut)) + split.write(bytes.subarray(cut)) + split.end(),
        ).toBe(expected);
      }),
    );
  });
});

describe('CastStreamEncoder', () => {
  /** The reference: decode with string_decoder, then encodeEvent (what every line must equal). */
  const reference = (chunks: readonly Uint8Array[], times: readonly number[]): string[] => {
    const d = new Utf8StreamDecoder();
    return chunks.flatMap((c, i) => {
      const text = d.write(c);
      return text === '' ? [] : [encodeEvent(times[i] ?? 0, 'o', text)];
    });
  };
  /** Lines cut from small shared slabs (as the recorder's), each kept live until the end. */
  const encoded = (chunks: readonly Uint8Array[], times: readonly number[]): string[] => {
    const slabs = new LineSlabs(256, 1);
    const e = new CastStreamEncoder('o', (size) => slabs.take(size));
    const lines = chunks.flatMap((c, i) => {
      const line = e.line(times[i] ?? 0, Buffer.from(c));
      return line === null ? [] : [line];
    });
    return lines.map((line) => line.toString('utf8'));
  };

  it('writes ASCII output with every control escaped, as one JSON line', () => {
    const line = new CastStreamEncoder('o').line(
      1.25,
      Buffer.from('a"b\\c\r\n\u001b[1m\u0000\u007f\t'),
    );
    expect(line?.toString('utf8')).toBe(
      '[1.25,"o","a\\"b\\\\c\\r\\n\\u001b[1m\\u0000\u007f\\t"]\n',
    );
    expect(JSON.parse(line!.toString('utf8'))).toEqual([
      1.25,
      'o',
      'a"b\\c\r\n\u001b[1m\u0000\u007f\t',
    ]);
  });

  it('holds a split character back even when the next chunk is pure ASCII', () => {
    const e = new CastStreamEncoder('o');
    const euro = Buffer.from('€', 'utf8');
    expect(e.line(0, euro.subarray(0, 2))).toBeNull();
    expect(e.line(1, Buffer.concat([euro.subarray(2), Buffer.from('ab')]))?.toString('utf8')).toBe(
      '[1,"o","€ab"]\n',
    );
    // An interrupted character followed by ASCII: U+FFFD, then the ASCII, in the same event.
    expect(e.line(2, euro.subarray(0, 1))).toBeNull();
    expect(e.line(3, Buffer.from('x'))?.toString('utf8')).toBe('[3,"o","\uFFFDx"]\n');
  });

  it('ignores an empty chunk and labels input events "i"', () => {
    const e = new CastStreamEncoder('i');
    expect(e.line(0, Buffer.alloc(0))).toBeNull();
    expect(e.line(0.5, Buffer.from('ls\r'))?.toString('utf8')).toBe('[0.5,"i","ls\\r"]\n');
  });

  it('gives the same lines as decoding and encodeEvent for any chunks (ASCII, UTF-8, junk)', () => {
    const asciiChunk = fc.uint8Array({ maxLength: 40, max: 0x7f });
    // Mostly no escapes at all: the copying fast path (`"` and `\\` now and then).
    const printableChunk = fc.uint8Array({ maxLength: 40, min: 0x20, max: 0x7e });
    const anyChunk = fc.uint8Array({ maxLength: 40 });
    const utf8Chunk = fc
      .string({ unit: 'binary', maxLength: 20 })
      .map((s) => new Uint8Array(Buffer.from(s, 'utf8')));
    fc.assert(
      fc.property(
        fc.array(fc.oneof(asciiChunk, printableChunk, anyChunk, utf8Chunk), { maxLength: 12 }),
        fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 12, maxLength: 12 }),
        (chunks, times) => {
          expect(encoded(chunks, times)).toEqual(reference(chunks, times));
        },
      ),
      { numRuns: 3000 },
    );
  });
});
