/**
 * The repositories' SQL uses SQLite's positional `?`; PostgreSQL wants `$1, $2, …`. Converted once
 * per SQL text (the store runs the same few dozen texts over and over). A `?` inside a string
 * literal, a quoted identifier or a comment is left alone.
 */
const MAX_CACHED = 500;
const cache = new Map<string, string>();

export function numberedPlaceholders(sql: string): string {
  const hit = cache.get(sql);
  if (hit !== undefined) return hit;
  const converted = convert(sql);
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(sql, converted);
  return converted;
}

function convert(sql: string): string {
  let out = '';
  let n = 0;
  let i = 0;
  while (i < sql.length) {
    const c = sql[i] ?? '';
    const skipTo = (end: string, from: number): number => {
      const at = sql.indexOf(end, from);
      return at === -1 ? sql.length : at + end.length;
    };
    let next = i + 1;
    if (c === "'" || c === '"') next = skipTo(c, i + 1);
    else if (c === '-' && sql[i + 1] === '-') next = skipTo('\n', i + 2);
    else if (c === '/' && sql[i + 1] === '*') next = skipTo('*/', i + 2);
    else if (c === '?') {
      out += `$${++n}`;
      i = next;
      continue;
    }
    out += sql.slice(i, next);
    i = next;
  }
  return out;
}
