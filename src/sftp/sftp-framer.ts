import { MAX_PACKET_BODY, SftpProtocolError } from './sftp-protocol.js';

/** Room for a WRITE's or DATA's own fields around the largest payload OpenSSH moves. */
const MAX_BODY = MAX_PACKET_BODY + 1024;

/**
 * Cuts one direction's byte stream into whole SFTP packets (uint32 length, then that many bytes).
 * A packet inside one chunk is handed on as a view of it (no copy); one split across chunks is
 * copied into a buffer of its own length, allocated once its length is known, so a packet that
 * trickles in a byte at a time costs one copy and holds no chunk. At most one packet of at most
 * 257 KiB is ever held; a longer length is a protocol error, thrown before anything is allocated.
 */
export class PacketFramer {
  private readonly head = Buffer.alloc(4);
  /** The packet being completed, once its length is known. */
  private packet: Buffer | null = null;
  private held = 0;

  push(chunk: Buffer, emit: (packet: Buffer) => void): void {
    let at = this.held > 0 ? this.complete(chunk, emit) : 0;
    while (at + 4 <= chunk.length) {
      const total = 4 + checkedBody(chunk.readUInt32BE(at));
      if (at + total > chunk.length) break;
      emit(chunk.subarray(at, at + total));
      at += total;
    }
    if (at < chunk.length) this.complete(chunk.subarray(at), emit);
  }

  /** Bytes of a packet not yet complete. */
  get pending(): number {
    return this.held;
  }

  /** Copies the chunk's start into the held packet; returns where the chunk's own packets begin. */
  private complete(chunk: Buffer, emit: (packet: Buffer) => void): number {
    let at = 0;
    if (this.packet === null) {
      at = chunk.copy(this.head, this.held, 0, 4 - this.held);
      this.held += at;
      if (this.held < 4) return at;
      this.packet = Buffer.allocUnsafe(4 + checkedBody(this.head.readUInt32BE(0)));
      this.head.copy(this.packet);
    }
    const copied = chunk.copy(this.packet, this.held, at);
    this.held += copied;
    at += copied;
    if (this.held === this.packet.length) {
      const packet = this.packet;
      this.packet = null;
      this.held = 0;
      emit(packet);
    }
    return at;
  }
}

function checkedBody(length: number): number {
  if (length < 1) throw new SftpProtocolError('empty sftp packet');
  if (length > MAX_BODY)
    throw new SftpProtocolError(`sftp packet of ${length} bytes is over the 257 KiB limit`);
  return length;
}
