import { FXP, MAX_PACKET_BODY, SftpProtocolError, TYPE_AT } from './sftp-protocol.js';

/** Room for a WRITE's or DATA's own fields around the largest payload OpenSSH moves. */
const MAX_BODY = MAX_PACKET_BODY + 1024;

/**
 * How much of a DATA or WRITE split across chunks is joined: its fields (a handle is at most 256
 * bytes) and the payload's first bytes; the rest of the payload stays in the chunks it came in.
 */
export const SPLIT_HEAD = 1024;

const WHOLE: readonly Buffer[] = [];

/** Pieces shorter than this are copied into rooms of ROOM bytes rather than kept as views. */
const SMALL_PIECE = 4096;
const ROOM = 16 * 1024;

/** One packet as PacketFramer hands it on. */
export interface Packet {
  readonly head: Buffer;
  /** The rest of a split DATA's or WRITE's payload, as views of the chunks; else empty. */
  readonly rest: readonly Buffer[];
}

/**
 * Cuts one direction's byte stream into SFTP packets (uint32 length, then that many bytes), each
 * handed on as `head` and `rest`: a packet inside one chunk is a view of it (rest empty); one
 * split across chunks is joined once complete, but for a DATA or WRITE only its first SPLIT_HEAD
 * bytes, the rest of its payload passed on as the views it arrived in: bulk data is never
 * copied (joining 255 KiB payloads was a third of a download's CPU, in the garbage collector).
 * At most one packet of at most 257 KiB is held; a longer length is a protocol error, thrown
 * before anything of it is kept. Chunks are kept as views: a stream never reuses a chunk.
 */
export class PacketFramer {
  private parts: Buffer[] = [];
  private held = 0;
  /** Where small pieces are gathered (copied), and whether the last part is its open view. */
  private room: Buffer | null = null;
  private roomUsed = 0;
  private lastInRoom = false;

  push(chunk: Buffer, emit: (head: Buffer, rest: readonly Buffer[]) => void): void {
    let at = this.held > 0 ? this.completeHeld(chunk, emit) : 0;
    while (at + 4 <= chunk.length) {
      const total = 4 + checkedBody(chunk.readUInt32BE(at));
      if (at + total > chunk.length) break;
      emit(chunk.subarray(at, at + total), WHOLE);
      at += total;
    }
    if (at < chunk.length) this.hold(chunk.subarray(at));
  }

  /** Bytes of a packet not yet complete. */
  get pending(): number {
    return this.held;
  }

  /** Finishes the held packet from the chunk's start; returns where the chunk's own packets begin. */
  private completeHeld(chunk: Buffer, emit: (head: Buffer, rest: readonly Buffer[]) => void) {
    let at = 0;
    if (this.held < 4) {
      at = Math.min(4 - this.held, chunk.length);
      this.hold(chunk.subarray(0, at));
      if (this.held < 4) return at;
      // The length's bytes in one piece (a few bytes joined; the payload never is).
      this.parts = [Buffer.concat(this.parts, this.held)];
      this.lastInRoom = false;
    }
    const total = 4 + checkedBody(this.parts[0]!.readUInt32BE(0));
    const take = Math.min(total - this.held, chunk.length - at);
    this.hold(chunk.subarray(at, at + take));
    at += take;
    if (this.held === total) {
      const parts = this.parts;
      this.parts = [];
      this.held = 0;
      this.room = null;
      this.lastInRoom = false;
      const type = byteAt(parts, TYPE_AT);
      if (total > SPLIT_HEAD && (type === FXP.DATA || type === FXP.WRITE)) {
        const { head, rest } = splitAt(parts, SPLIT_HEAD);
        emit(head, rest);
      } else {
        emit(Buffer.concat(parts, total), WHOLE);
      }
    }
    return at;
  }

  /**
   * Keeps a piece of the packet: as the view it came in, but a small one is copied into a room
   * of its own, so a payload that trickles in a byte at a time is a few pieces, not a Buffer (and
   * a chunk kept alive) per byte.
   */
  private hold(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.held += bytes.length;
    if (bytes.length >= SMALL_PIECE) {
      this.parts.push(bytes);
      this.lastInRoom = false;
      return;
    }
    if (this.room === null || this.roomUsed + bytes.length > this.room.length) {
      this.room = Buffer.allocUnsafe(ROOM);
      this.roomUsed = 0;
      this.lastInRoom = false;
    }
    const start = this.lastInRoom
      ? this.parts.pop()!.byteOffset - this.room.byteOffset
      : this.roomUsed;
    this.roomUsed += bytes.copy(this.room, this.roomUsed);
    this.parts.push(this.room.subarray(start, this.roomUsed));
    this.lastInRoom = true;
  }
}

function checkedBody(length: number): number {
  if (length < 1) throw new SftpProtocolError('empty sftp packet');
  if (length > MAX_BODY)
    throw new SftpProtocolError(`sftp packet of ${length} bytes is over the 257 KiB limit`);
  return length;
}

function byteAt(parts: readonly Buffer[], index: number): number {
  let at = index;
  for (const part of parts) {
    if (at < part.length) return part[at]!;
    at -= part.length;
  }
  return -1;
}

/** The first `n` bytes joined, and views of the others. */
function splitAt(parts: readonly Buffer[], n: number): { head: Buffer; rest: Buffer[] } {
  const front: Buffer[] = [];
  const rest: Buffer[] = [];
  let need = n;
  for (const part of parts) {
    if (need === 0) rest.push(part);
    else if (part.length <= need) {
      front.push(part);
      need -= part.length;
    } else {
      front.push(part.subarray(0, need));
      rest.push(part.subarray(need));
      need = 0;
    }
  }
  return { head: Buffer.concat(front, n), rest };
}
