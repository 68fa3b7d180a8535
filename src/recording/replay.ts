/** Reading and replaying recordings: pure helpers for `gatehouse replay` and the web page. */
import type { CastEvent, CastHeader } from './asciicast-encoder.js';
import { CastLineChecker, parseHeaderLine } from './cast-format.js';
import { noticeLine } from './review-marks.js';
import { highlight, TerminalSanitizer } from './terminal-sanitizer.js';

export { renderText } from './render-text.js';
export { sanitizeForTerminal, TerminalSanitizer, TERMINAL_RESET } from './terminal-sanitizer.js';

export class CastFormatError extends Error {
  readonly line: number;

  constructor(line: number, message: string) {
    super(message);
    this.name = 'CastFormatError';
    this.line = line;
  }
}

/** Parses a whole .cast text. Throws CastFormatError naming the first bad line (1-based). */
export function readCast(text: string): { header: CastHeader; events: CastEvent[] } {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  else if (lines.length > 0)
    throw new CastFormatError(
      lines.length,
      `line ${lines.length} is incomplete (no newline at the end)`,
    );
  const checker = new CastLineChecker();
  const events: CastEvent[] = [];
  for (const line of lines) {
    const r = checker.check(line);
    if (!r.ok) throw new CastFormatError(checker.lines, r.problem);
    if (r.value !== null) events.push(r.value);
  }
  const header = parseHeaderLine(lines[0] ?? '');
  if (!header.ok) throw new CastFormatError(1, 'line 1: no header');
  return { header: header.value, events };
}

export interface PlaybackOptions {
  /** > 0; 2 plays twice as fast. Default 1. */
  readonly speed?: number;
  /** Longest pause in recorded seconds (before dividing by speed); default: no cap. */
  readonly idleLimit?: number;
  readonly write: (text: string) => void;
  readonly sleep: (ms: number) => Promise<void>;
  /**
   * Sanitise for the reviewer's terminal (default true): string sequences shown as placeholders,
   * markers as highlighted lines of their own.
   */
  readonly sanitize?: boolean;
  /** Stop early (e.g. Ctrl-C); playback resolves after the current event. */
  readonly signal?: AbortSignal;
}

/**
 * What a reviewer's terminal is sent for one event: output sanitised, a marker (gatehouse's
 * notice) as a highlighted `⟦── … ──⟧` line, input and resizes nothing.
 */
export function reviewText(sanitizer: TerminalSanitizer, event: CastEvent): string {
  if (event.kind === 'o') return sanitizer.write(event.data);
  if (event.kind === 'm') return `\r\n${highlight(noticeLine(event.data))}\r\n`;
  return '';
}

/** Pauses shorter than this are carried over and slept together, as timers are not finer. */
const MIN_SLEEP_MS = 4;

/**
 * Plays `o` events with their timing, and (sanitised) marker events — gatehouse's notices — as
 * highlighted `⟦── … ──⟧` lines; input and resize events are not shown.
 */
export async function playback(
  events: readonly CastEvent[],
  options: PlaybackOptions,
): Promise<void> {
  const speed = options.speed ?? 1;
  const idleLimit = options.idleLimit ?? Number.POSITIVE_INFINITY;
  if (!(speed > 0) || !Number.isFinite(speed))
    throw new RangeError('speed must be a positive number');
  if (!(idleLimit > 0)) throw new RangeError('idleLimit must be a positive number');
  const sanitizer = options.sanitize === false ? null : new TerminalSanitizer({ reveal: true });
  let previous = 0;
  let owed = 0;
  for (const event of events) {
    if (options.signal?.aborted) return;
    if (event.kind !== 'o' && (event.kind !== 'm' || sanitizer === null)) continue;
    owed += (Math.min(Math.max(0, event.time - previous), idleLimit) * 1000) / speed;
    previous = event.time;
    if (owed >= MIN_SLEEP_MS) {
      await options.sleep(owed);
      owed = 0;
      if (options.signal?.aborted) return;
    }
    const text = sanitizer === null ? event.data : reviewText(sanitizer, event);
    if (text !== '') options.write(text);
  }
  const rest = sanitizer?.end() ?? '';
  if (rest !== '' && !options.signal?.aborted) options.write(rest);
}
