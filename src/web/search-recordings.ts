/**
 * Search over recorded output through the index built when each recording was sealed
 * (core/recording-search.ts, recording/searchable-text.ts): no recording file is read per query.
 * The index finds the chunks that may hold the text; each hit is then found in its chunk, any
 * case, with its context and the moment it was printed.
 */
import type { Store } from '../core/ports.js';
import { findHits } from '../core/recording-search.js';
import type { SessionHits } from './pages/search.js';

const HITS_PER_SESSION = 5;
const MAX_HITS = 100;
/** Chunks read from the index per query: enough for MAX_HITS, bounded. */
const MAX_CHUNKS = 400;

export interface SearchResults {
  readonly results: SessionHits[];
  /** Indexed sessions whose text the per-session bound cut (or that could not be read). */
  readonly incomplete: number;
}

export async function searchRecordings(store: Store, query: string): Promise<SearchResults> {
  const chunks = await store.recordingText.candidates(query, HITS_PER_SESSION, MAX_CHUNKS);
  const results: SessionHits[] = [];
  let total = 0;
  for (const chunk of chunks) {
    if (total >= MAX_HITS) break;
    let entry = results.at(-1);
    if (entry?.session.id !== chunk.session.id) entry = undefined;
    const room = Math.min(HITS_PER_SESSION - (entry?.hits.length ?? 0), MAX_HITS - total);
    if (room <= 0) continue;
    const hits = findHits(chunk, query, room);
    if (hits.length === 0) continue;
    if (entry === undefined) results.push({ session: chunk.session, hits });
    else results[results.length - 1] = { session: entry.session, hits: [...entry.hits, ...hits] };
    total += hits.length;
  }
  return { results, incomplete: await store.recordingText.incomplete() };
}
