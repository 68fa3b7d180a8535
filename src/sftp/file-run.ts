import { createHash, type Hash } from 'node:crypto';
import type { FileCopy } from './sftp-ports.js';

/** Bytes that arrived ahead of a gap (a short read re-requested later) kept per file, at most. */
export const MAX_EARLY_BYTES = 512 * 1024;

/**
 * The bytes that moved through one open file in one direction: counted always, sha256'd in file
 * order while they form one run from offset 0. A piece ahead of the run waits (bounded) for the
 * gap to fill; a piece behind it (a re-read, a rewrite) or too far ahead ends the hash: null.
 * A copy (recordings.keepTransfers) is handed exactly the bytes the hash takes, as it takes them.
 */
export class FileRun {
  bytes = 0;
  private hash: Hash | null = createHash('sha256');
  private next = 0;
  private readonly early = new Map<number, Buffer>();
  private earlyBytes = 0;

  constructor(readonly copy: FileCopy | null = null) {}

  add(offset: number, data: Buffer): void {
    this.bytes += data.length;
    if (this.hash === null || data.length === 0) return;
    if (offset === this.next) {
      this.take(data);
      this.drainEarly();
    } else if (offset > this.next && this.earlyBytes + data.length <= MAX_EARLY_BYTES) {
      if (this.early.has(offset)) return this.abandon();
      this.early.set(offset, Buffer.from(data));
      this.earlyBytes += data.length;
    } else {
      this.abandon();
    }
  }

  /**
   * A payload as the pieces it arrived in, from `offset` on; null for where the target puts it
   * whatever offset it names (the end of a file opened with APPEND).
   */
  addPieces(offset: number | null, pieces: readonly Buffer[]): void {
    let at = offset ?? this.next;
    for (const piece of pieces) {
      this.add(at, piece);
      at += piece.length;
    }
  }

  /** Hex sha256 of the whole run, or null when the bytes were not one run from 0. */
  digest(): string | null {
    if (this.hash === null || this.early.size > 0) return null;
    const hex = this.hash.digest('hex');
    this.hash = null;
    return hex;
  }

  private drainEarly(): void {
    for (let piece = this.early.get(this.next); piece; piece = this.early.get(this.next)) {
      this.early.delete(this.next);
      this.earlyBytes -= piece.length;
      this.take(piece);
    }
  }

  private take(data: Buffer): void {
    this.hash!.update(data);
    this.copy?.write(data);
    this.next += data.length;
  }

  private abandon(): void {
    this.copy?.stop();
    this.hash = null;
    this.early.clear();
    this.earlyBytes = 0;
  }
}
