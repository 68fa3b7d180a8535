/**
 * Whether a text holds any of a set of literals, in one pass for the whole set (Wu–Manber): a
 * window as long as the shortest literal slides over the text, and the two characters at its end
 * say how far it may jump without passing a place where a literal could end. One `includes` per
 * literal costs a pass each, and on text where the literals' first characters are common (base64,
 * hex) each pass stops every few characters; this one jumps most of a window at a time.
 */

/** Characters are hashed to their low byte (a collision only means one more comparison). */
const blockOf = (text: string, at: number): number =>
  ((text.charCodeAt(at) & 0xff) << 8) | (text.charCodeAt(at + 1) & 0xff);

/** Literals shorter than this are searched with `includes`: a window this short hardly jumps. */
const SHORTEST_WINDOW = 4;

export function anyLiteralIn(literals: readonly string[]): (text: string) => boolean {
  if (literals.some((l) => l.length === 0)) return () => true;
  const short = literals.filter((l) => l.length < SHORTEST_WINDOW);
  const long = literals.filter((l) => l.length >= SHORTEST_WINDOW);
  const inLong = long.length === 0 ? () => false : windowSearch(long);
  return short.length === 0
    ? inLong
    : (text) => short.some((l) => text.includes(l)) || inLong(text);
}

function windowSearch(literals: readonly string[]): (text: string) => boolean {
  const window = Math.min(...literals.map((l) => l.length));
  const jump = new Uint8Array(0x10000).fill(Math.min(window - 1, 0xff));
  /** The literals whose window ends with a block: checked where the jump is 0. */
  const ending = new Map<number, string[]>();
  for (const literal of literals) {
    for (let at = 0; at + 1 < window; at++) {
      const block = blockOf(literal, at);
      const distance = window - 2 - at;
      if (distance < jump[block]!) jump[block] = distance;
      if (distance === 0) ending.set(block, [...(ending.get(block) ?? []), literal]);
    }
  }
  return (text) => {
    for (let end = window - 1; end < text.length;) {
      const block = blockOf(text, end - 1);
      const distance = jump[block]!;
      if (distance > 0) {
        end += distance;
        continue;
      }
      const start = end - window + 1;
      if (ending.get(block)!.some((literal) => text.startsWith(literal, start))) return true;
      end++;
    }
    return false;
  };
}
