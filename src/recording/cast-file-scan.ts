/** Reads a file line by line in bounded memory, with byte offsets. */
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';

export interface ScannedLine {
  /** 1-based. */
  readonly number: number;
  /** Without the `\n`. */
  readonly bytes: Buffer;
  /** Byte offset of the line's first byte. */
  readonly offset: number;
}

export interface ScanResult {
  readonly totalBytes: number;
  /** Bytes after the last `\n` (a line cut off mid-way), or null. */
  readonly trailing: Buffer | null;
  /** True when `onLine` returned false. */
  readonly stopped: boolean;
}

const CHUNK = 1024 * 1024;

/**
 * Calls `onChunk` with every byte read and `onLine` with every `\n`-terminated line, in order,
 * until `onLine` returns false.
 */
export async function scanLines(
  fh: FileHandle,
  onLine: (line: ScannedLine) => boolean,
  onChunk: (chunk: Buffer) => void = () => undefined,
): Promise<ScanResult> {
  const buf = Buffer.allocUnsafe(CHUNK);
  let pending: Buffer[] = [];
  let pendingStart = 0;
  let position = 0;
  let lineNo = 0;
  for (;;) {
    const { bytesRead } = await fh.read(buf, 0, CHUNK, position);
    if (bytesRead === 0) break;
    const chunk = buf.subarray(0, bytesRead);
    onChunk(chunk);
    let start = 0;
    for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, start)) {
      const piece = chunk.subarray(start, nl);
      const bytes = pending.length > 0 ? Buffer.concat([...pending, piece]) : Buffer.from(piece);
      lineNo += 1;
      if (!onLine({ number: lineNo, bytes, offset: pendingStart })) {
        return { totalBytes: position + bytesRead, trailing: null, stopped: true };
      }
      pending = [];
      start = nl + 1;
      pendingStart = position + start;
    }
    if (start < bytesRead) pending.push(Buffer.from(chunk.subarray(start)));
    position += bytesRead;
  }
  return {
    totalBytes: position,
    trailing: pending.length > 0 ? Buffer.concat(pending) : null,
    stopped: false,
  };
}

export async function withFile<T>(
  path: string,
  flags: 'r' | 'r+',
  fn: (fh: FileHandle) => Promise<T>,
): Promise<T> {
  const fh = await open(path, flags);
  try {
    return await fn(fh);
  } finally {
    await fh.close();
  }
}
