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
 */
export class LineSlabs {
  readonly #slabSize: number;
  readonly #maxFree: number;
  readonly #free: Buffer[] = [];
  /** Bytes cut from a slab and not yet done, by the slab's memory (weak: see above). */
  readonly #pending = new WeakMap<ArrayBufferLike, number>();
  #current: Buffer | null = null;
  #used = 0;

  constructor(slabSize: number, maxFree: number) {
    this.#slabSize = slabSize;
    this.#maxFree = maxFree;
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
    if (full !== null && !this.#pending.has(full.buffer)) this.#recycle(full.buffer);
  }

  #recycle(memory: ArrayBufferLike): void {
    if (this.#free.length < this.#maxFree) this.#free.push(Buffer.from(memory));
  }
}

/** The process's slabs: 1 MiB each, at most two kept spare (3 MiB in all when idle). */
export const recordingLineSlabs = new LineSlabs(1024 * 1024, 2);

/** A view a worker thread reads where it is (slab memory), or a copy of exactly the bytes. */
export const shareable = (part: Buffer): Uint8Array =>
  part.buffer instanceof SharedArrayBuffer ? part : new Uint8Array(part);
