import { MAX_PACKET_BODY, SftpProtocolError } from './sftp-protocol.js';

/** Room for a WRITE's or DATA's own fields around the largest payload OpenSSH moves. */
const MAX_BODY = MAX_PACKET_BODY + 1024;

/**
 * Cuts one direction's byte stream into whole SFTP packets (uint32 length, then that many bytes).
 * A packet inside one chunk is handed on as a view of it (no copy); one split across chunks is
 * joined once it is complete. At most one packet of at most 257 KiB is ever held; a longer length
 * is a protocol error, thrown before anything of it is kept.
 */
export class PacketFramer {
  private parts: Buffer[] = [];
  private held = 0;

  push(chunk: Buffer, emit: (packet: Buffer) => void): void {
    let at = this.held > 0 ? this.completeHeld(chunk, emit) : 0;
    while (at + 4 <= chunk.length) {
      const total = 4 + checkedBody(chunk.readUInt32BE(at));
      if (at + total > chunk.length) break;
      emit(chunk.subarray(at, at + total));
      at += total;
    }
    if (at < chunk.length) this.hold(chunk.subarray(at));
  }

  /** Bytes of a packet not yet complete. */
  get pending(): number {
    return this.held;
  }

  /** Finishes the held packet from the chunk's start; returns where the chunk's own packets begin. */
  private completeHeld(chunk: Buffer, emit: (packet: Buffer) => void): number {
    let at = 0;
    if (this.held < 4) {
      at = Math.min(4 - this.held, chunk.length);
      this.hold(chunk.subarray(0, at));
      if (this.held < 4) return at;
    }
    const head = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.held);
    this.parts = [head];
    const total = 4 + checkedBody(head.readUInt32BE(0));
    const take = Math.min(total - this.held, chunk.length - at);
    this.hold(chunk.subarray(at, at + take));
    at += take;
    if (this.held === total) {
      const packet = Buffer.concat(this.parts, total);
      this.parts = [];
      this.held = 0;
      emit(packet);
    }
    return at;
  }

  private hold(bytes: Buffer): void {
    if (bytes.length === 0) return;
    // A view: a stream's chunks are never reused by their producer (see sftp-relay.ts).
    this.parts.push(bytes);
    this.held += bytes.length;
  }
}

function checkedBody(length: number): number {
  if (length < 1) throw new SftpProtocolError('empty sftp packet');
  if (length > MAX_BODY)
    throw new SftpProtocolError(`sftp packet of ${length} bytes is over the 257 KiB limit`);
  return length;
}
