import { createHash, type Hash } from 'node:crypto';
import type { StdinDigest } from '../core/model.js';

/**
 * Counts and hashes what a session without a pty relays to the target's stdin (an upload such
 * as `tar c … | ssh … 'tar x'`): the recording holds output only, so this is the record of it.
 */
export class StdinTally {
  readonly #hash: Hash = createHash('sha256');
  #bytes = 0;
  #digest: StdinDigest | null = null;

  add(data: Buffer): void {
    if (this.#digest !== null) return; // input after the digest was taken is not relayed
    this.#bytes += data.length;
    this.#hash.update(data);
  }

  /** The count and hex sha256 so far; the same value on every later call. */
  digest(): StdinDigest {
    this.#digest ??= { bytes: this.#bytes, sha256: this.#hash.digest('hex') };
    return this.#digest;
  }
}
