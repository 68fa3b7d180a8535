/**
 * Whether ASCII bytes need no JSON escape (no C0 control, `"` or `\`): then their JSON string is
 * the bytes themselves between quotes, and an event line can be made by copying them. Checked
 * four bytes at a time (a byte below 0x20, or equal to 0x22 or 0x5c, sets its word's high bit in
 * `hit`); only for ASCII (every byte < 0x80), which the caller has checked.
 */
export function asciiNeedsNoJsonEscape(bytes: Uint8Array): boolean {
  const start = bytes.byteOffset;
  const end = start + bytes.length;
  const wordsStart = (start + 3) & ~3;
  const wordsEnd = end & ~3;
  if (wordsEnd <= wordsStart) return bytesNeedNoEscape(bytes, 0, bytes.length);
  if (!bytesNeedNoEscape(bytes, 0, wordsStart - start)) return false;
  if (!bytesNeedNoEscape(bytes, wordsEnd - start, bytes.length)) return false;
  const words = new Int32Array(bytes.buffer, wordsStart, (wordsEnd - wordsStart) >> 2);
  for (let w = 0; w < words.length; w++) {
    const x = words[w]!;
    const quote = x ^ 0x22222222;
    const backslash = x ^ 0x5c5c5c5c;
    const hit =
      ((x - 0x20202020) & ~x) |
      ((quote - 0x01010101) & ~quote) |
      ((backslash - 0x01010101) & ~backslash);
    if ((hit & 0x80808080) !== 0) return false;
  }
  return true;
}

function bytesNeedNoEscape(bytes: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (needsEscape(bytes[i]!)) return false;
  return true;
}

const needsEscape = (c: number): boolean => c < 0x20 || c === 0x22 || c === 0x5c;
