/**
 * Full-text search over recorded output: everything printed, in arrival order, text later
 * overwritten or erased included (the character stream, not the final screen). Each file is
 * streamed once; output events become plain text (escape sequences dropped by the recording
 * module's tokenizer, CR/LF as line breaks, string sequences such as window titles and OSC 52
 * clipboard writes and CSIs that are not well-formed as their `⟦OSC 0: …⟧` placeholders) and the
 * query is matched case-insensitively across event boundaries, so a word echoed one key at a time
 * is still found. Marker events (gatehouse's notices) are not output and are not searched. A hit
 * carries the time of the event that completed it.
 */
import { parseEventLine } from '../recording/cast-format.js';
import { scanLines, withFile } from '../recording/cast-file-scan.js';
import { escapeReserved, placeholderOf } from '../recording/review-marks.js';
import { TerminalTokenizer, type TerminalToken } from '../recording/terminal-tokenizer.js';

export interface SearchHit {
  /** Seconds into the recording. */
  readonly time: number;
  readonly before: string;
  readonly match: string;
  readonly after: string;
}

const CONTEXT = 60;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

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

const FLUSH_AT = 4096;

/** Up to `maxHits` hits in one recording, in time order. */
export async function searchCast(
  path: string,
  query: string,
  maxHits: number,
): Promise<SearchHit[]> {
  const pattern = new RegExp(escapeRegExp(query), 'giu');
  const plain = new PlainText();
  const hits: SearchHit[] = [];
  // A sliding window of recent text with the time of each UTF-16 unit; `next` is where the next
  // match may start (earlier text was searched, and is kept only as context).
  let text = '';
  let times: number[] = [];
  let next = 0;
  const flush = (final: boolean): void => {
    pattern.lastIndex = next;
    let waiting = false;
    for (let m = pattern.exec(text); m !== null && hits.length < maxHits; m = pattern.exec(text)) {
      const start = m.index;
      const end = start + m[0].length;
      // Wait for the text after a match near the end: it is the match's context.
      if (!final && end + CONTEXT > text.length) {
        next = start;
        waiting = true;
        break;
      }
      hits.push({
        time: times[end - 1] ?? 0,
        before: text.slice(Math.max(0, start - CONTEXT), start),
        match: m[0],
        after: text.slice(end, end + CONTEXT),
      });
      next = end;
    }
    if (final) return;
    // Every match in the window was seen: one not found yet must end in text still to come.
    if (!waiting) next = Math.max(next, text.length - query.length);
    const keep = Math.max(0, next - CONTEXT);
    text = text.slice(keep);
    times = times.slice(keep);
    next -= keep;
  };
  let lastTime = 0;
  const add = (added: string, time: number): void => {
    text += added;
    for (let i = 0; i < added.length; i++) times.push(time);
    if (text.length - next > FLUSH_AT) flush(false);
  };
  const scan = await withFile(path, 'r', (fh) =>
    scanLines(fh, (line) => {
      if (line.number === 1) return true;
      const ev = parseEventLine(line.bytes.toString('utf8'));
      if (!ev.ok || ev.value.kind !== 'o') return true;
      lastTime = ev.value.time;
      add(plain.write(ev.value.data), lastTime);
      return hits.length < maxHits;
    }),
  );
  if (!scan.stopped) add(plain.end(), lastTime);
  if (hits.length < maxHits) flush(true);
  return hits;
}
