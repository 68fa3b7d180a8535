/**
 * Finding and reading a session's .cast file for the review page. The path comes from the
 * session row (never from the request) and must resolve, symlinks followed, inside the
 * recordings folder.
 */
import { realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { parseEventLine, parseHeaderLine } from '../recording/cast-format.js';
import { scanLines, withFile } from '../recording/cast-file-scan.js';
import { placeholderOf } from '../recording/review-marks.js';
import { TerminalTokenizer, type TerminalToken } from '../recording/terminal-tokenizer.js';
import { HiddenSequenceList, type HiddenSequences } from './hidden-sequence-list.js';

/** The real path of the recording, or null when there is none or it points outside `dir`. */
export async function castFileOf(
  dir: string,
  recordingPath: string | null,
): Promise<string | null> {
  if (recordingPath === null || !recordingPath.endsWith('.cast')) return null;
  const candidate = isAbsolute(recordingPath)
    ? resolve(recordingPath)
    : resolve(dir, recordingPath);
  let realDir: string;
  let real: string;
  try {
    realDir = await realpath(dir);
    real = await realpath(candidate);
  } catch {
    return null;
  }
  const rel = relative(realDir, real);
  if (rel === '' || isAbsolute(rel) || rel === '..' || rel.startsWith(`..${sep}`)) return null;
  return real;
}

export interface CastMarker {
  readonly time: number;
  readonly label: string;
}

export interface CastOutline {
  readonly width: number | null;
  readonly height: number | null;
  readonly title: string | null;
  readonly markers: readonly CastMarker[];
  readonly duration: number;
  /** More markers than shown. */
  readonly moreMarkers: boolean;
  /** String sequences (title, clipboard, DCS …) and shown CSIs the terminal received unseen. */
  readonly hidden: HiddenSequences;
  /**
   * Pauses of at least MIN_IDLE_GAP between events (and before the first), `[start, length]` in
   * seconds: the page maps recording times to the player's when it skips idle time. null: more
   * than MAX_IDLE_GAPS, so the page does not skip idle time (its times would be wrong).
   */
  readonly idleGaps: readonly (readonly [number, number])[] | null;
}

const MAX_MARKERS = 500;
/** The shortest idle-time limit the page offers (seconds). */
export const MIN_IDLE_GAP = 2;
const MAX_IDLE_GAPS = 2000;

/**
 * Header, markers and hidden string sequences of a recording; unparsable lines (a crash's
 * cut-off line) are skipped.
 */
export async function readOutline(path: string): Promise<CastOutline> {
  let width: number | null = null;
  let height: number | null = null;
  let title: string | null = null;
  let duration = 0;
  const markers: CastMarker[] = [];
  let moreMarkers = false;
  let idleGaps: [number, number][] | null = [];
  let previous = 0;
  const hidden = new HiddenSequenceList();
  const tokenizer = new TerminalTokenizer();
  const collect = (tokens: readonly TerminalToken[], time: number): void => {
    for (const token of tokens) {
      const placeholder = placeholderOf(token);
      if (placeholder !== null) hidden.add(placeholder, time);
    }
  };
  await withFile(path, 'r', (fh) =>
    scanLines(fh, (line) => {
      const text = line.bytes.toString('utf8');
      if (line.number === 1) {
        const h = parseHeaderLine(text);
        if (h.ok) {
          width = h.value.width;
          height = h.value.height;
          title = h.value.title ?? null;
        }
        return true;
      }
      const ev = parseEventLine(text);
      if (!ev.ok) return true;
      duration = Math.max(duration, ev.value.time);
      if (idleGaps !== null && ev.value.time - previous >= MIN_IDLE_GAP) {
        if (idleGaps.length >= MAX_IDLE_GAPS) idleGaps = null;
        else idleGaps.push([previous, ev.value.time - previous]);
      }
      previous = ev.value.time;
      if (ev.value.kind === 'm') {
        if (markers.length < MAX_MARKERS)
          markers.push({ time: ev.value.time, label: ev.value.data });
        else moreMarkers = true;
      }
      if (ev.value.kind === 'o') collect(tokenizer.write(ev.value.data), ev.value.time);
      return true;
    }),
  );
  collect(tokenizer.end(), duration);
  return {
    width,
    height,
    title,
    markers,
    duration,
    moreMarkers,
    hidden: hidden.list(),
    idleGaps,
  };
}
