/**
 * The words of a self-service command line as the ssh client sent it (`ssh alice@bastion request
 * db1 …` arrives as one string). No shell: nothing is expanded or run. Quotes group words the way
 * a POSIX shell would (`'…'` literal, `"…"` with `\"` and `\\`, `\` outside quotes escapes the next
 * character), so `ssh alice@bastion "request db1 --reason 'a b'"` keeps `a b` as one word.
 */
import { escapeChar, UNPRINTABLE } from '../../core/untrusted-text.js';

/** Longer lines are refused before they are looked at (the reason alone is at most 500). */
export const MAX_COMMAND_CHARS = 4096;

export interface Word {
  readonly text: string;
  /** Some part was quoted or escaped: never read as an option, even when it starts with `--`. */
  readonly quoted: boolean;
}

export type WordsParse =
  | { readonly ok: true; readonly words: readonly Word[] }
  | { readonly ok: false; readonly message: string };

export function splitWords(line: string): WordsParse {
  if (line.length > MAX_COMMAND_CHARS)
    return { ok: false, message: `the command is longer than ${MAX_COMMAND_CHARS} characters` };
  const bad = UNPRINTABLE.exec(line);
  if (bad !== null)
    return {
      ok: false,
      message: `the command holds a control or invisible character (${escapeChar(bad[0])})`,
    };
  const words: Word[] = [];
  let text = '';
  let quoted = false;
  let inWord = false;
  let i = 0;
  const end = (): void => {
    if (inWord) words.push({ text, quoted });
    text = '';
    quoted = false;
    inWord = false;
  };
  while (i < line.length) {
    const ch = line.charAt(i);
    if (ch === ' ') {
      end();
      i += 1;
    } else if (ch === "'") {
      const close = line.indexOf("'", i + 1);
      if (close === -1) return { ok: false, message: 'a single quote is not closed' };
      text += line.slice(i + 1, close);
      quoted = inWord = true;
      i = close + 1;
    } else if (ch === '"') {
      i += 1;
      quoted = inWord = true;
      for (;;) {
        if (i >= line.length) return { ok: false, message: 'a double quote is not closed' };
        const c = line.charAt(i);
        if (c === '"') break;
        const next = line.charAt(i + 1);
        if (c === '\\' && (next === '"' || next === '\\')) {
          text += next;
          i += 2;
        } else {
          text += c;
          i += 1;
        }
      }
      i += 1;
    } else if (ch === '\\') {
      if (i + 1 >= line.length) return { ok: false, message: 'the command ends with a backslash' };
      text += line.charAt(i + 1);
      quoted = inWord = true;
      i += 2;
    } else {
      text += ch;
      inWord = true;
      i += 1;
    }
  }
  end();
  return { ok: true, words };
}
