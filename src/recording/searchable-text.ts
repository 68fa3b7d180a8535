/**
 * A recording's text for the search index: everything printed, in arrival order, text later
 * overwritten or erased included (the character stream, not the final screen: a user cannot hide
 * from search what their terminal showed for a moment). Output events become plain text (escape
 * sequences dropped by the tokenizer, CR/LF as line breaks, string sequences and CSIs that are
 * not well-formed as their `⟦OSC 0: …⟧` placeholders); marker events (gatehouse's notices) are
 * not output and are left out. Cut into chunks that overlap by the longest query and its
 * context, with the time each part was printed (rounded up to 0.1 s), at most MAX_INDEXED_CHARS
 * per recording. docs/recording-review.md "Search covers everything printed".
 */
import { CONTEXT, MAX_QUERY, type IndexedText, type TextChunk } from '../core/recording-search.js';
import { scanLines, withFile } from './cast-file-scan.js';
import { parseEventLine } from './cast-format.js';
import { escapeReserved, placeholderOf } from './review-marks.js';
import { TerminalTokenizer, type TerminalToken } from './terminal-tokenizer.js';

export const CHUNK_CHARS = 4096;
export const MAX_INDEXED_CHARS = 4_000_000;
const OVERLAP = MAX_QUERY + CONTEXT;

/** Output as searched text; CR, LF and CR LF are one line break each. */
class PlainText {
  readonly #tokenizer = new TerminalTokenizer();
  #afterCr = false;

  write(data: string): string {
    return this.#text(this.#tokenizer.write(data));
  }

  end(): string {
    return this.#text(this.#tokenizer.end());
  }

  #text(tokens: readonly TerminalToken[]): string {
    let out = '';
    for (const token of tokens) {
      const cr = token.type === 'control' && token.char === '\r';
      const placeholder = placeholderOf(token);
      if (placeholder !== null) out += placeholder;
      else if (token.type === 'text') out += escapeReserved(token.text);
      else if (cr || (token.type === 'control' && token.char === '\n' && !this.#afterCr))
        out += '\n';
      else if (token.type === 'control' && token.char === '\t') out += ' ';
      this.#afterCr = cr;
    }
    return out;
  }
}

const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff;

/** Text in, chunks out; never splits a surrogate pair. */
class Chunker {
  readonly chunks: TextChunk[] = [];
  #body = '';
  #ownFrom = 0;
  #times: [number, number][] = [];
  #lastMs = -1;
  #chars = 0;
  #complete = true;

  /** `ms`: when it was printed. False once the bound is reached (the rest is left out). */
  add(text: string, ms: number): boolean {
    const at = Math.ceil(ms / 100) * 100;
    let rest = text;
    while (rest.length > 0) {
      const room = Math.min(
        this.#ownFrom + CHUNK_CHARS - this.#body.length,
        MAX_INDEXED_CHARS - this.#chars,
      );
      if (room <= 0) {
        this.#complete = false;
        return false;
      }
      let take = Math.min(room, rest.length);
      if (take < rest.length && isHighSurrogate(rest.charCodeAt(take - 1))) take -= 1;
      if (take === 0) take = Math.min(2, rest.length); // a pair at a chunk's very end
      if (at !== this.#lastMs) {
        this.#times.push([this.#body.length, at]);
        this.#lastMs = at;
      }
      this.#body += rest.slice(0, take);
      this.#chars += take;
      rest = rest.slice(take);
      if (this.#body.length - this.#ownFrom >= CHUNK_CHARS) this.#cut();
    }
    return true;
  }

  #cut(): void {
    const body = this.#body;
    this.chunks.push({ ownFrom: this.#ownFrom, times: this.#times, body });
    let from = Math.max(0, body.length - OVERLAP);
    if (isLowSurrogate(body.charCodeAt(from))) from += 1;
    const inEffect = this.#times.filter(([offset]) => offset <= from).at(-1)?.[1] ?? 0;
    this.#times = [
      [0, inEffect],
      ...this.#times
        .filter(([offset]) => offset > from)
        .map(([offset, ms]): [number, number] => [offset - from, ms]),
    ];
    this.#body = body.slice(from);
    this.#ownFrom = this.#body.length;
  }

  finish(): IndexedText {
    if (this.#body.length > this.#ownFrom)
      this.chunks.push({ ownFrom: this.#ownFrom, times: this.#times, body: this.#body });
    return { chunks: this.chunks, chars: this.#chars, complete: this.#complete };
  }
}

/** The searchable text of the recording at `path`, bounded. */
export async function searchableText(path: string): Promise<IndexedText> {
  const plain = new PlainText();
  const chunker = new Chunker();
  let lastMs = 0;
  const scan = await withFile(path, 'r', (fh) =>
    scanLines(fh, (line) => {
      if (line.number === 1) return true;
      const ev = parseEventLine(line.bytes.toString('utf8'));
      if (!ev.ok || ev.value.kind !== 'o') return true;
      lastMs = Math.round(ev.value.time * 1000);
      return chunker.add(plain.write(ev.value.data), lastMs);
    }),
  );
  if (!scan.stopped) chunker.add(plain.end(), lastMs);
  return chunker.finish();
}
