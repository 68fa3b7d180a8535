/**
 * The review page's list of hidden sequences, bounded without losing the unusual one: repeats
 * of a placeholder are counted on its first entry (a prompt that sets the window title gives
 * one entry, not one per command), and once LISTED_AT_EACH_END different ones are listed, the
 * most recent LISTED_AT_EACH_END different ones are kept as well; only those in between are
 * left out, and counted. A late exfiltration among a thousand titles stays listed.
 */

export interface HiddenSequence {
  /** First occurrence (within the recent part, for an entry there), seconds into the recording. */
  readonly time: number;
  /** `⟦OSC 0: title⟧` (review-marks.ts): escaped and bounded. */
  readonly placeholder: string;
  /** Occurrences counted on this entry. */
  readonly count: number;
  readonly lastTime: number;
}

export interface HiddenSequences {
  /** The first LISTED_AT_EACH_END different sequences, in order of first occurrence. */
  readonly first: readonly HiddenSequence[];
  /** Sequences left out between `first` and `last`: occurrences, and how many were different. */
  readonly omitted: { readonly occurrences: number; readonly distinct: number };
  /** The most recent different sequences not in `first`, in order of last occurrence. */
  readonly last: readonly HiddenSequence[];
}

export const LISTED_AT_EACH_END = 250;

interface Entry {
  time: number;
  placeholder: string;
  count: number;
  lastTime: number;
}

export class HiddenSequenceList {
  readonly #first = new Map<string, Entry>();
  /** Insertion order is last-occurrence order: a repeat is moved to the end. */
  readonly #last = new Map<string, Entry>();
  #omittedOccurrences = 0;
  #omittedDistinct = 0;

  add(placeholder: string, time: number): void {
    const early = this.#first.get(placeholder);
    if (early !== undefined) return count(early, time);
    if (this.#first.size < LISTED_AT_EACH_END) {
      this.#first.set(placeholder, { time, placeholder, count: 1, lastTime: time });
      return;
    }
    const recent = this.#last.get(placeholder);
    this.#last.delete(placeholder);
    if (recent !== undefined) count(recent, time);
    this.#last.set(placeholder, recent ?? { time, placeholder, count: 1, lastTime: time });
    if (this.#last.size <= LISTED_AT_EACH_END) return;
    const [oldest, entry] = this.#last.entries().next().value as [string, Entry];
    this.#last.delete(oldest);
    this.#omittedOccurrences += entry.count;
    this.#omittedDistinct += 1;
  }

  list(): HiddenSequences {
    return {
      first: [...this.#first.values()].map((e) => ({ ...e })),
      omitted: { occurrences: this.#omittedOccurrences, distinct: this.#omittedDistinct },
      last: [...this.#last.values()].map((e) => ({ ...e })),
    };
  }
}

function count(entry: Entry, time: number): void {
  entry.count += 1;
  entry.lastTime = time;
}
