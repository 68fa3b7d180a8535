import type { Readable, Writable } from 'node:stream';

type HoldReason = 'queue' | 'drain' | 'copies';

/**
 * Pauses a readable while any reason holds it: its requests are queued behind one that waits
 * (`queue`), the other side's writable is full (`drain`, released by its 'drain'), or the kept
 * copies of files are behind on their writes (`copies`).
 */
export class StreamHolds {
  private readonly reasons = new Set<HoldReason>();

  constructor(private readonly source: Readable) {}

  hold(reason: HoldReason): void {
    if (this.reasons.has(reason)) return;
    this.reasons.add(reason);
    this.source.pause();
  }

  release(reason: HoldReason): void {
    if (!this.reasons.delete(reason)) return;
    if (this.reasons.size === 0) this.source.resume();
  }

  releaseAll(): void {
    this.reasons.clear();
    this.source.resume();
  }

  holdUntilDrain(sink: Writable): void {
    if (this.reasons.has('drain')) return;
    this.hold('drain');
    sink.once('drain', () => this.release('drain'));
  }
}
