/**
 * Reference reader for what shellQuote emits (POSIX sh word splitting restricted to single
 * quotes, backslash-escapes outside quotes and unquoted safe characters). The real /bin/sh
 * round trip is an integration test.
 */
export function parseSingleQuoted(line: string): string[] {
  const words: string[] = [];
  let current: string | null = null;
  let i = 0;
  while (i < line.length) {
    const ch = line[i]!;
    if (ch === ' ') {
      if (current !== null) words.push(current);
      current = null;
      i++;
    } else if (ch === "'") {
      const end = line.indexOf("'", i + 1);
      if (end === -1) throw new Error('unterminated quote');
      current = (current ?? '') + line.slice(i + 1, end);
      i = end + 1;
    } else if (ch === '\\') {
      if (i + 1 >= line.length) throw new Error('trailing backslash');
      current = (current ?? '') + line[i + 1]!;
      i += 2;
    } else {
      if (!/[A-Za-z0-9#%+,\-./:=@[\]^_]/.test(ch))
        throw new Error(`unquoted special ${JSON.stringify(ch)}`);
      current = (current ?? '') + ch;
      i++;
    }
  }
  if (current !== null) words.push(current);
  return words;
}
