/**
 * asciicast v2 encoding (https://docs.asciinema.org/manual/asciicast/v2/). Pure: no I/O.
 * Every function returns one complete line including its trailing `\n`.
 */
import { isAscii } from 'node:buffer';
import { StringDecoder } from 'node:string_decoder';
import { asciiNeedsNoJsonEscape } from './json-clean.js';

export type CastEventKind = 'o' | 'i' | 'r' | 'm';

export interface CastHeader {
  readonly version: 2;
  readonly width: number;
  readonly height: number;
  /** Unix seconds (integer) of the session start. */
  readonly timestamp?: number;
  readonly title?: string;
  readonly idle_time_limit?: number;
  readonly env?: { readonly TERM?: string; readonly SHELL?: string };
}

export interface CastEvent {
  /** Seconds since the start of the recording. */
  readonly time: number;
  readonly kind: CastEventKind;
  readonly data: string;
}

export interface HeaderFields {
  readonly width: number;
  readonly height: number;
  /** Session start, epoch milliseconds (UTC); stored as whole seconds. */
  readonly startedAt: number;
  readonly title?: string;
  readonly term?: string;
  readonly shell?: string;
}

export function encodeHeader(fields: HeaderFields): string {
  const env: { TERM?: string; SHELL?: string } = {};
  if (fields.term !== undefined) env.TERM = fields.term;
  if (fields.shell !== undefined) env.SHELL = fields.shell;
  const header: Record<string, unknown> = {
    version: 2,
    width: fields.width,
    height: fields.height,
    timestamp: Math.floor(fields.startedAt / 1000),
  };
  if (fields.title !== undefined) header['title'] = fields.title;
  header['env'] = env;
  return `${JSON.stringify(header)}\n`;
}

/** Seconds rounded to microseconds, so `1.2300000000000002` never reaches the file. */
export function castTime(seconds: number): number {
  return Number(seconds.toFixed(6));
}

/** `[time,"kind",`: an event line up to its data. */
const eventPrefix = (time: number, kind: CastEventKind): string =>
  `[${JSON.stringify(castTime(time))},"${kind}",`;

/**
 * JSON.stringify escapes every C0 control (ESC → `\u001b`), `"` and `\`, and lone surrogates
 * (well-formed JSON.stringify), so any decoded string yields exactly one line.
 */
export function encodeEvent(time: number, kind: CastEventKind, data: string): string {
  return `${eventPrefix(time, kind)}${JSON.stringify(data)}]\n`;
}

export function resizeData(cols: number, rows: number): string {
  return `${cols}x${rows}`;
}

/**
 * A streaming UTF-8 decoder for one byte stream: a character split across packets is held back
 * until its last byte arrives; an invalid sequence becomes U+FFFD (never dropped). A leading
 * BOM is kept (it is output the user saw).
 */
export class Utf8StreamDecoder {
  // string_decoder: about 3x faster than TextDecoder({stream:true}) on 16 KiB chunks.
  #decoder = new StringDecoder('utf8');

  write(bytes: Uint8Array): string {
    return this.#decoder.write(bytes);
  }

  /**
   * False only when no bytes of a split character are held back. string_decoder's `lastNeed`
   * is undocumented: if a Node release drops it, this says "maybe" and callers take the slow path.
   */
  get maybeHoldingBytes(): boolean {
    const lastNeed = (this.#decoder as StringDecoder & { readonly lastNeed?: unknown }).lastNeed;
    return typeof lastNeed !== 'number' || lastNeed !== 0;
  }

  /** Flushes a trailing incomplete sequence as U+FFFD and resets the decoder. */
  end(): string {
    const rest = this.#decoder.end();
    this.#decoder = new StringDecoder('utf8');
    return rest;
  }
}

/**
 * One byte stream (stdout, stderr or input) to event lines, as bytes ready for the file. The
 * same lines as `encodeEvent(time, kind, decoder.write(bytes))`, but a chunk of pure ASCII (most
 * terminal output) skips UTF-8 decoding and re-encoding: as a one-byte string it goes through
 * JSON.stringify and back to bytes at memcpy speed.
 */
export class CastStreamEncoder {
  readonly #kind: 'o' | 'i';
  readonly #decoder = new Utf8StreamDecoder();
  readonly #take: (size: number) => Buffer;

  /** `take` gives the buffer an ASCII line is written into (the recorder's reusable slabs). */
  constructor(
    kind: 'o' | 'i',
    take: (size: number) => Buffer = (size) => Buffer.allocUnsafe(size),
  ) {
    this.#kind = kind;
    this.#take = take;
  }

  /** The event line for `bytes`, or null when they hold no complete character yet. */
  line(time: number, bytes: Buffer): Buffer | null {
    if (bytes.length === 0) return null;
    if (!this.#decoder.maybeHoldingBytes && isAscii(bytes)) {
      const prefix = eventPrefix(time, this.#kind);
      if (asciiNeedsNoJsonEscape(bytes)) {
        // Long lines of plain text (base64, minified JSON): no JSON.stringify, one copy.
        const out = this.#take(prefix.length + bytes.length + 4);
        let at = out.write(prefix, 0, 'latin1');
        out[at++] = 0x22; // "
        // fill() copies with memcpy; copy() into SharedArrayBuffer memory (the slabs) goes
        // through V8's atomic-safe memmove, which cost the relay thread 0.3 ms per MiB.
        out.fill(bytes, at, at + bytes.length);
        at += bytes.length;
        out[at] = 0x22;
        out[at + 1] = 0x5d; // ]
        out[at + 2] = 0x0a; // \n
        return out;
      }
      const text = JSON.stringify(bytes.toString('latin1'));
      const out = this.#take(prefix.length + text.length + 2);
      let at = out.write(prefix, 0, 'latin1');
      at += out.write(text, at, 'latin1');
      out[at] = 0x5d; // ]
      out[at + 1] = 0x0a; // \n
      return out;
    }
    const text = this.#decoder.write(bytes);
    return text === '' ? null : Buffer.from(encodeEvent(time, this.#kind, text), 'utf8');
  }

  /** What a character cut off by the end of the stream becomes (U+FFFD), or ''. */
  end(): string {
    return this.#decoder.end();
  }
}
