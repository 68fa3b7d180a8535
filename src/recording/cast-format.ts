/** Validation of asciicast v2 lines, shared by the reader, the verifier and crash sealing. Pure. */
import type { CastEvent, CastEventKind, CastHeader } from './asciicast-encoder.js';

export type LineResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string };

const KINDS: ReadonlySet<string> = new Set<CastEventKind>(['o', 'i', 'r', 'm']);
const RESIZE = /^[1-9][0-9]{0,4}x[1-9][0-9]{0,4}$/;

function parseJson(text: string): LineResult<unknown> {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, problem: 'is not valid JSON' };
  }
}

const isPositiveInt = (v: unknown): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v > 0;

export function parseHeaderLine(text: string): LineResult<CastHeader> {
  const parsed = parseJson(text);
  if (!parsed.ok) return parsed;
  const h = parsed.value;
  if (typeof h !== 'object' || h === null || Array.isArray(h))
    return { ok: false, problem: 'is not a header object' };
  const rec = h as Record<string, unknown>;
  if (rec['version'] !== 2) return { ok: false, problem: 'header version is not 2' };
  if (!isPositiveInt(rec['width']) || !isPositiveInt(rec['height'])) {
    return { ok: false, problem: 'header width/height are not positive integers' };
  }
  if (rec['timestamp'] !== undefined && typeof rec['timestamp'] !== 'number') {
    return { ok: false, problem: 'header timestamp is not a number' };
  }
  if (rec['title'] !== undefined && typeof rec['title'] !== 'string') {
    return { ok: false, problem: 'header title is not a string' };
  }
  return { ok: true, value: h as CastHeader };
}

export function parseEventLine(text: string): LineResult<CastEvent> {
  const parsed = parseJson(text);
  if (!parsed.ok) return parsed;
  const e = parsed.value;
  if (!Array.isArray(e) || e.length !== 3)
    return { ok: false, problem: 'is not an event [time, kind, data]' };
  const [time, kind, data] = e as [unknown, unknown, unknown];
  if (typeof time !== 'number' || !Number.isFinite(time) || time < 0) {
    return { ok: false, problem: 'event time is not a non-negative number' };
  }
  if (typeof kind !== 'string' || !KINDS.has(kind))
    return { ok: false, problem: 'event kind is not o, i, r or m' };
  if (typeof data !== 'string') return { ok: false, problem: 'event data is not a string' };
  if (kind === 'r' && !RESIZE.test(data))
    return { ok: false, problem: 'resize data is not COLSxROWS' };
  return { ok: true, value: { time, kind: kind as CastEventKind, data } };
}

/**
 * Checks line after line (1-based numbers): header first, then events with non-decreasing
 * times. Feed every line; the first problem sticks.
 */
export class CastLineChecker {
  #line = 0;
  #lastTime = 0;
  #events = 0;
  #problem: { line: number; problem: string } | null = null;

  /** Returns the parsed event (null for the header) or a problem naming the line. */
  check(text: string): LineResult<CastEvent | null> {
    this.#line += 1;
    const line = this.#line;
    if (line === 1) {
      const h = parseHeaderLine(text);
      return h.ok ? { ok: true, value: null } : this.#fail(line, `line 1 ${h.problem}`);
    }
    const ev = parseEventLine(text);
    if (!ev.ok) return this.#fail(line, `line ${line} ${ev.problem}`);
    if (ev.value.time < this.#lastTime) {
      return this.#fail(
        line,
        `line ${line} has time ${ev.value.time}, before ${this.#lastTime} on line ${line - 1} (lines reordered or edited)`,
      );
    }
    this.#lastTime = ev.value.time;
    this.#events += 1;
    return { ok: true, value: ev.value };
  }

  get lines(): number {
    return this.#line;
  }

  get events(): number {
    return this.#events;
  }

  get problem(): { line: number; problem: string } | null {
    return this.#problem;
  }

  #fail(line: number, problem: string): LineResult<never> {
    this.#problem ??= { line, problem };
    return { ok: false, problem };
  }
}
