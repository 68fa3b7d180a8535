/**
 * Reusable slabs that recording lines are encoded into, shared by every recorder of the process.
 * A bulk download encodes about 6,000 lines a second; a fresh buffer for each cost a malloc, page
 * faults and garbage-collector work (ArrayBuffers count against V8's heap limits), which showed
 * as a third of the recording's cost in the bench's profile.
 *
 * A line is a region cut from the current slab. The writer hands each line back with `done`
 * once it is in the file and hashed; a slab is reused only when every region cut from it is done
 * (the current slab starts over from its beginning, a full one goes to the free list). A line that
 * is never done (a bug, or a writer torn down mid-write) only keeps its slab from being reused:
 * the garbage collector frees it like any buffer. Slabs are SharedArrayBuffer memory, so the hash
 * worker (hash-worker.ts) reads lines where they are.
 *
 * Up to `maxFree` done slabs are kept for reuse while recordings keep starting new slabs (a bulk
 * download's backlog spans about six); once none was started for `idleMs`, all but `idleFree`
 * are let go. With only two kept, the download dropped a slab every few MiB and allocated a new
 * one: fresh memory (a page fault every 4 KiB, 12 µs each on the bench's VM) and a backing store
 * freed only when every worker that saw it collected its garbage (RSS grew by 100 MB a download).
 */
export class LineSlabs {
  readonly #slabSize: number;
  readonly #maxFree: number;
  readonly #idleFree: number;
  readonly #idleMs: number;
  readonly #free: Buffer[] = [];
  /** Bytes cut from a slab and not yet done, by the slab's memory (weak: see above). */
  readonly #pending = new WeakMap<ArrayBufferLike, number>();
  #current: Buffer | null = null;
  #used = 0;
  /** A slab was started since the idle timer was last armed. */
  #busy = false;
  #idleTimer: NodeJS.Timeout | null = null;

  constructor(slabSize: number, maxFree: number, idleFree = maxFree, idleMs = 30_000) {
    this.#slabSize = slabSize;
    this.#maxFree = maxFree;
    this.#idleFree = Math.min(idleFree, maxFree);
    this.#idleMs = idleMs;
  }

  /** A buffer of exactly `size` bytes for one line; its contents are the caller's to fill. */
  take(size: number): Buffer {
    // A rare long line (escaped control bytes) would waste most of a slab: it gets its own.
    if (size > this.#slabSize / 4) return Buffer.allocUnsafe(size);
    if (this.#current === null || this.#used + size > this.#slabSize) this.#next();
    const slab = this.#current as Buffer;
    const line = slab.subarray(this.#used, this.#used + size);
    this.#used += size;
    this.#pending.set(slab.buffer, (this.#pending.get(slab.buffer) ?? 0) + size);
    return line;
  }

  /** `line` (or several adjacent lines of one slab) is written and hashed: its bytes may be reused. */
  done(line: Buffer): void {
    const pending = this.#pending.get(line.buffer);
    if (pending === undefined) return; // not cut from a slab
    const left = pending - line.length;
    if (left > 0) {
      this.#pending.set(line.buffer, left);
      return;
    }
    this.#pending.delete(line.buffer);
    if (this.#current !== null && line.buffer === this.#current.buffer) this.#used = 0;
    else this.#recycle(line.buffer);
  }

  #next(): void {
    const full = this.#current;
    this.#current = this.#free.pop() ?? Buffer.from(new SharedArrayBuffer(this.#slabSize));
    this.#used = 0;
    this.#busy = true;
    if (full !== null && !this.#pending.has(full.buffer)) this.#recycle(full.buffer);
  }

  #recycle(memory: ArrayBufferLike): void {
    if (this.#free.length < this.#maxFree) this.#free.push(Buffer.from(memory));
    if (this.#free.length > this.#idleFree) this.#armIdleTimer();
  }

  #armIdleTimer(): void {
    if (this.#idleTimer !== null) return;
    this.#busy = false;
    this.#idleTimer = setTimeout(() => this.#onIdleTimer(), this.#idleMs);
    this.#idleTimer.unref();
  }

  #onIdleTimer(): void {
    this.#idleTimer = null;
    if (this.#busy) {
      if (this.#free.length > this.#idleFree) this.#armIdleTimer();
    } else this.#free.length = Math.min(this.#free.length, this.#idleFree);
  }
}

/**
 * The process's slabs: 1 MiB each; while recordings are busy at most eight kept spare, two once
 * idle for 30 s (3 MiB in all).
 */
export const recordingLineSlabs = new LineSlabs(1024 * 1024, 8, 2);

/** A view a worker thread reads where it is (slab memory), or a copy of exactly the bytes. */
export const shareable = (part: Buffer): Uint8Array =>
  part.buffer instanceof SharedArrayBuffer ? part : new Uint8Array(part);
