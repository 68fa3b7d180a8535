/**
 * Whether ASCII bytes need no JSON escape (no C0 control, `"` or `\`): then their JSON string is
 * the bytes themselves between quotes, and an event line can be made by copying them. Only for
 * ASCII (every byte < 0x80), which the caller has checked. `"` and `\` are found with indexOf
 * (memchr); controls four bytes at a time: for ASCII bytes, `(x - 0x20202020) & ~x` sets a byte's
 * high bit exactly when some byte is below 0x20 (the bench's download spent a tenth of the relay
 * thread in the earlier one-pass check of all three).
 */
export function asciiNeedsNoJsonEscape(bytes: Uint8Array): boolean {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  if (buffer.indexOf(0x22) !== -1 || buffer.indexOf(0x5c) !== -1) return false;
  return !hasControl(bytes);
}

function hasControl(bytes: Uint8Array): boolean {
  const start = bytes.byteOffset;
  const end = start + bytes.length;
  const wordsStart = (start + 3) & ~3;
  const wordsEnd = end & ~3;
  if (wordsEnd <= wordsStart) return bytesHaveControl(bytes, 0, bytes.length);
  if (bytesHaveControl(bytes, 0, wordsStart - start)) return true;
  if (bytesHaveControl(bytes, wordsEnd - start, bytes.length)) return true;
  const words = new Int32Array(bytes.buffer, wordsStart, (wordsEnd - wordsStart) >> 2);
  let hit = 0;
  for (let w = 0; w < words.length; w++) {
    const x = words[w]!;
    hit |= (x - 0x20202020) & ~x;
  }
  return (hit & 0x80808080) !== 0;
}

function bytesHaveControl(bytes: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (bytes[i]! < 0x20) return true;
  return false;
}
