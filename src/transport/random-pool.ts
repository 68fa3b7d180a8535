import { randomFillSync } from 'node:crypto';

type Fill = (target: Buffer, offset?: number, length?: number) => unknown;

/**
 * Bytes from the CSPRNG fetched in blocks and handed out in small pieces, each byte once: one
 * `randomFillSync` call per block instead of one per piece (ssh2's per-packet padding).
 */
export class RandomPool {
  readonly #pool: Buffer;
  readonly #source: Fill;
  #at: number;

  constructor(blockBytes = 64 * 1024, source: Fill = randomFillSync) {
    this.#pool = Buffer.allocUnsafe(blockBytes);
    this.#source = source;
    this.#at = blockBytes; // filled on first use
  }

  /** Fills `target[offset, offset + length)`; a piece larger than a block comes from the source. */
  fill(target: Buffer, offset: number, length: number): void {
    const pool = this.#pool;
    if (length > pool.length) {
      this.#source(target, offset, length);
      return;
    }
    if (this.#at + length > pool.length) {
      this.#source(pool);
      this.#at = 0;
    }
    pool.copy(target, offset, this.#at, this.#at + length);
    this.#at += length;
  }
}
