const CR = 0x0d;
const LF = 0x0a;

/**
 * `\n` → `\r\n`, as a cooked terminal shows a bare LF (the target has no pty to do it). An LF
 * already after a CR stays; an LF at a chunk's start gets a CR (the previous chunk is not seen).
 * Bulk output (a download without a pty) passes here per chunk: one scan to count, one copy.
 */
export function toCrlf(data: Buffer): Buffer {
  let bare = 0;
  for (let i = data.indexOf(LF); i !== -1; i = data.indexOf(LF, i + 1)) {
    if (i === 0 || data[i - 1] !== CR) bare += 1;
  }
  if (bare === 0) return data;
  const out = Buffer.allocUnsafe(data.length + bare);
  let from = 0;
  let at = 0;
  for (let i = data.indexOf(LF); i !== -1; i = data.indexOf(LF, i + 1)) {
    if (i > 0 && data[i - 1] === CR) continue;
    at += data.copy(out, at, from, i);
    out[at++] = CR;
    from = i;
  }
  data.copy(out, at, from);
  return out;
}
