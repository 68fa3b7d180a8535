import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { openRecording } from '../../src/recording/recorder.js';
import { EIGHT_BIT_CSI } from '../../src/recording/review-marks.js';
import { findHits, type SearchHit } from '../../src/core/recording-search.js';
import { CHUNK_CHARS, searchableText } from '../../src/recording/searchable-text.js';
import { tempDir } from '../helpers/tmp.js';

/** Writes `chunks` as output events 10 ms apart; returns the file and each chunk's time. */
async function record(chunks: readonly string[]): Promise<string> {
  const start = Date.UTC(2026, 0, 2, 3, 4, 5);
  const clock = fixedClock(start);
  const rec = await openRecording({
    dir: await tempDir('gatehouse-search-'),
    sessionId: randomUUID(),
    startedAt: start,
    width: 80,
    height: 24,
    title: 't',
    captureInput: false,
    mode: 'strict',
    clock,
  });
  chunks.forEach((c, i) => {
    clock.set(start + i * 10);
    rec.output(Buffer.from(c, 'utf8'));
  });
  return (await rec.close()).path;
}

/** The recording's indexed text searched as the review page searches the index. */
async function searchCast(path: string, query: string, maxHits: number): Promise<SearchHit[]> {
  const hits: SearchHit[] = [];
  for (const chunk of (await searchableText(path)).chunks)
    hits.push(...findHits(chunk, query, maxHits - hits.length));
  return hits;
}

/** Deterministic pseudo-random numbers (the test must not be flaky). */
function rng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

describe('the indexed text of a recording, searched', () => {
  it('finds every occurrence in a long recording, split across events and chunks, with the completing time', async () => {
    const rand = rng(7);
    const needle = 'Needle-42';
    let text = '';
    for (let i = 0; i < 400; i++) {
      text += `filler line ${i} ${'x'.repeat(Math.floor(rand() * 80))}\r\n`;
      if (rand() < 0.1) text += `before ${needle} after\r\n`;
    }
    // Cut the text into chunks of 1..40 characters, so needles straddle event boundaries.
    const chunks: string[] = [];
    for (let at = 0; at < text.length;) {
      const n = 1 + Math.floor(rand() * 40);
      chunks.push(text.slice(at, at + n));
      at += n;
    }
    const expected: number[] = [];
    let offset = 0;
    const ends = chunks.map((c) => (offset += c.length));
    for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + 1)) {
      const last = i + needle.length - 1;
      // Event k is printed at k × 10 ms; the index keeps times rounded up to 0.1 s.
      expected.push(Math.ceil(ends.findIndex((end) => end > last) / 10) / 10);
    }
    expect(expected.length).toBeGreaterThan(20);
    expect(text.length).toBeGreaterThan(4 * CHUNK_CHARS);
    const path = await record(chunks);
    const hits = await searchCast(path, 'needle-42', 1000);
    expect(hits.map((h) => Number(h.time.toFixed(3)))).toEqual(
      expected.map((t) => Number(t.toFixed(3))),
    );
    for (const h of hits) {
      expect(h.match).toBe(needle);
      expect(h.before.endsWith('before ')).toBe(true);
      expect(h.after.startsWith(' after')).toBe(true);
    }
    expect(await searchCast(path, 'needle-42', 3)).toHaveLength(3);
  });

  it('ignores escape sequences between the letters, finds a window title in its placeholder and nothing that is not there', async () => {
    const path = await record(['se\u001b[1mcr\u001b[0met', '\u001b]0;title-text\u0007done\r\n']);
    expect((await searchCast(path, 'secret', 10)).map((h) => h.match)).toEqual(['secret']);
    expect(await searchCast(path, 'title-text', 10)).toEqual([
      expect.objectContaining({ before: 'secret⟦OSC 0: ', match: 'title-text', after: '⟧done\n' }),
    ]);
    expect(await searchCast(path, 'absent', 10)).toEqual([]);
  });

  it('finds text printed then overwritten or erased, and a title left open at the end', async () => {
    const path = await record(['password: hunter2\r\u001b[K', 'gone\u001b[2J', '\u001b]2;TAIL']);
    expect((await searchCast(path, 'hunter2', 10)).map((h) => h.match)).toEqual(['hunter2']);
    expect((await searchCast(path, 'gone', 10)).map((h) => h.match)).toEqual(['gone']);
    expect(await searchCast(path, 'TAIL', 10)).toEqual([
      expect.objectContaining({ before: expect.stringMatching(/⟦OSC 2 \(unterminated\): $/) }),
    ]);
  });

  it('finds text after an 8-bit or malformed CSI, which used to swallow it', async () => {
    const path = await record(['\u009b1234 ;secret-text\n', '\u001b[12αβγ μυστικό\r\n']);
    expect(await searchCast(path, 'secret-text', 10)).toEqual([
      expect.objectContaining({ before: `${EIGHT_BIT_CSI}1234 ;`, match: 'secret-text' }),
    ]);
    expect((await searchCast(path, 'αβγ μυστικό', 10)).map((h) => h.before)).toEqual([
      expect.stringMatching(/⟦CSI \(malformed\): 12⟧$/),
    ]);
  });

  it('shows a bidi override or zero-width character in a hit escaped, so the page cannot reverse or hide it', async () => {
    const path = await record(['cat \u202e/etc/shadow\r\nhunt\u200ber2\r\n']);
    expect(await searchCast(path, 'shadow', 10)).toEqual([
      expect.objectContaining({ before: 'cat \\u202e/etc/', match: 'shadow' }),
    ]);
    expect(await searchCast(path, 'hunt', 10)).toEqual([
      expect.objectContaining({ match: 'hunt', after: '\\u200ber2\n' }),
    ]);
  });
});
