/** Where a verification walk sends one tar member's bytes: kept (bounded) or hashed as they pass. */
import { createHash } from 'node:crypto';
import { EvidenceProblem } from './evidence-problem.js';
import type { MemberSink } from './ustar.js';

/** Collects a member's bytes in memory, refusing more than `limit`. */
export class BufferSink implements MemberSink {
  private readonly chunks: Buffer[] = [];
  private bytes = 0;

  constructor(
    private readonly name: string,
    private readonly limit: number,
    private readonly done: (text: string) => void,
  ) {}

  write(chunk: Buffer): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limit)
      throw new EvidenceProblem(this.name, `larger than ${this.limit} bytes`);
    this.chunks.push(chunk);
  }

  end(): void {
    this.done(Buffer.concat(this.chunks).toString('utf8'));
  }
}

/** sha256 and size of a member, with its own check run at the end before the index's. */
export class HashingSink implements MemberSink {
  private readonly hash = createHash('sha256');
  private bytes = 0;

  constructor(
    private readonly inner: MemberSink | null,
    private readonly done: (sha256: string, bytes: number) => void,
  ) {}

  write(chunk: Buffer): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    this.inner?.write(chunk);
  }

  end(): void {
    this.inner?.end();
    this.done(this.hash.digest('hex'), this.bytes);
  }
}
