/**
 * Search over recorded output through an index built when a recording is sealed: the recording's
 * printed text in chunks (recording/searchable-text.ts), and how a hit is found in a chunk. Pure.
 */
import type { EpochMs, SessionId } from './model.js';
import type { ReviewSession } from './reviewer.js';

/** The longest search text; each chunk repeats this much of the one before, plus CONTEXT. */
export const MAX_QUERY = 200;
/** The shortest search text the trigram index can look up. */
export const MIN_QUERY = 3;
/**
 * Why a search text cannot be looked up, or null. The index holds printed text, where no control
 * character is left, and FTS5 fails on a NUL even inside a quoted phrase.
 */
export function searchTextProblem(query: string): string | null {
  if (query.length < MIN_QUERY || query.length > MAX_QUERY) {
    return `The search text must be ${MIN_QUERY} to ${MAX_QUERY} characters long.`;
  }
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  if (/[\u0000-\u001f\u007f-\u009f]/.test(query)) {
    return 'The search text must not contain control characters.';
  }
  return null;
}

/** Characters of text shown either side of a hit. */
export const CONTEXT = 60;

export interface TextChunk {
  /** Where the chunk's own text starts; what comes before repeats the previous chunk's end. */
  readonly ownFrom: number;
  /** [offset in body, ms into the recording]: the text from offset on was printed by then. */
  readonly times: readonly (readonly [number, number])[];
  readonly body: string;
}

export interface IndexedText {
  readonly chunks: readonly TextChunk[];
  readonly chars: number;
  /** False when the per-session bound cut the text. */
  readonly complete: boolean;
}

export interface FoundChunk extends TextChunk {
  readonly session: ReviewSession;
}

export interface SearchHit {
  /** Seconds into the recording. */
  readonly time: number;
  readonly before: string;
  readonly match: string;
  readonly after: string;
}

export interface RecordingTextRepository {
  /** Replaces what is indexed for the session. */
  index(sessionId: SessionId, text: IndexedText, now: EpochMs): Promise<void>;
  /**
   * Chunks that may hold `query` (the index's candidates; findHits decides), newest session
   * first, at most `perSession` chunks of a session and `limit` in all.
   */
  candidates(query: string, perSession: number, limit: number): Promise<FoundChunk[]>;
  /** Ended sessions with a recording and nothing indexed, newest first. */
  unindexed(limit: number): Promise<{ id: SessionId; recordingPath: string }[]>;
  /** How many indexed sessions had their text cut by the bound. */
  incomplete(): Promise<number>;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Hits of `query` (any case) in a chunk: those that end in its own text, in order. */
export function findHits(chunk: TextChunk, query: string, maxHits: number): SearchHit[] {
  const pattern = new RegExp(escapeRegExp(query), 'giu');
  const hits: SearchHit[] = [];
  const { body } = chunk;
  for (let m = pattern.exec(body); m !== null && hits.length < maxHits; m = pattern.exec(body)) {
    const start = m.index;
    const end = start + m[0].length;
    if (end <= chunk.ownFrom) continue; // the previous chunk's hit
    hits.push({
      time: timeAt(chunk, end - 1) / 1000,
      before: body.slice(Math.max(0, start - CONTEXT), start),
      match: m[0],
      after: body.slice(end, end + CONTEXT),
    });
  }
  return hits;
}

function timeAt(chunk: TextChunk, offset: number): number {
  let t = 0;
  for (const [at, ms] of chunk.times) {
    if (at > offset) break;
    t = ms;
  }
  return t;
}
