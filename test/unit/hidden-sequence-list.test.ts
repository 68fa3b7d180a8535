import { describe, expect, it } from 'vitest';
import { HiddenSequenceList, LISTED_AT_EACH_END } from '../../src/web/hidden-sequence-list.js';

const title = (t: string): string => `⟦OSC 0: ${t}⟧`;

describe("the review page's hidden-sequence list", () => {
  it('counts 1000 identical prompt titles on one entry and keeps a late secret listed', () => {
    const list = new HiddenSequenceList();
    for (let i = 0; i < 1000; i++) {
      list.add(title('alice@db1: ~'), i);
      if (i === 990) list.add(title('EXFIL-SECRET'), i + 0.5);
    }
    expect(list.list()).toEqual({
      first: [
        { placeholder: title('alice@db1: ~'), time: 0, count: 1000, lastTime: 999 },
        { placeholder: title('EXFIL-SECRET'), time: 990.5, count: 1, lastTime: 990.5 },
      ],
      omitted: { occurrences: 0, distinct: 0 },
      last: [],
    });
  });

  it('keeps the first and the most recent different ones, counting those left out', () => {
    const list = new HiddenSequenceList();
    const n = 1000;
    for (let i = 0; i < n; i++) list.add(title(`cwd ${i}`), i);
    list.add(title('cwd 900'), n); // a repeat within the recent part moves to its end
    list.add(title('EXFIL-SECRET'), n + 1);
    const { first, omitted, last } = list.list();
    expect(first.map((h) => h.placeholder)).toEqual(
      Array.from({ length: LISTED_AT_EACH_END }, (_, i) => title(`cwd ${i}`)),
    );
    expect(last).toHaveLength(LISTED_AT_EACH_END);
    expect(last.at(-1)).toEqual({
      placeholder: title('EXFIL-SECRET'),
      time: n + 1,
      count: 1,
      lastTime: n + 1,
    });
    expect(last.at(-2)).toEqual({
      placeholder: title('cwd 900'),
      time: 900,
      count: 2,
      lastTime: n,
    });
    expect(omitted.distinct).toBe(n + 1 - 2 * LISTED_AT_EACH_END);
    expect(omitted.occurrences).toBe(omitted.distinct);
  });
});
