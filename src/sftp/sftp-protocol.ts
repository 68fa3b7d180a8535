/**
 * SFTP version 3 (draft-ietf-secsh-filexfer-02, what OpenSSH speaks) as far as the relay needs
 * it: packet types, status codes, open flags, a bounds-checked field reader and the one packet
 * gatehouse writes itself (a status reply).
 */

export const FXP = {
  INIT: 1,
  VERSION: 2,
  OPEN: 3,
  CLOSE: 4,
  READ: 5,
  WRITE: 6,
  LSTAT: 7,
  FSTAT: 8,
  SETSTAT: 9,
  FSETSTAT: 10,
  OPENDIR: 11,
  READDIR: 12,
  REMOVE: 13,
  MKDIR: 14,
  RMDIR: 15,
  REALPATH: 16,
  STAT: 17,
  RENAME: 18,
  READLINK: 19,
  SYMLINK: 20,
  STATUS: 101,
  HANDLE: 102,
  DATA: 103,
  NAME: 104,
  ATTRS: 105,
  EXTENDED: 200,
  EXTENDED_REPLY: 201,
} as const;

export const FX = {
  OK: 0,
  EOF: 1,
  NO_SUCH_FILE: 2,
  PERMISSION_DENIED: 3,
  FAILURE: 4,
  BAD_MESSAGE: 5,
  OP_UNSUPPORTED: 8,
} as const;

export const OPEN_FLAGS = { READ: 0x1, WRITE: 0x2, APPEND: 0x4, CREAT: 0x8, TRUNC: 0x10 } as const;

/** OpenSSH's sftp-server refuses longer packets too (SFTP_MAX_MSG_LENGTH). */
export const MAX_PACKET_BODY = 256 * 1024;

/** A field was missing or longer than the packet: the peer broke the protocol. */
export class SftpProtocolError extends Error {}

/** Reads one packet's fields in order; `at` starts after the length, type and (if any) id. */
export class PacketReader {
  constructor(
    readonly packet: Buffer,
    public at: number,
  ) {}

  u32(): number {
    if (this.at + 4 > this.packet.length) throw new SftpProtocolError('sftp packet too short');
    const value = this.packet.readUInt32BE(this.at);
    this.at += 4;
    return value;
  }

  /** A uint64 as a number; offsets past 2^53 are refused rather than rounded. */
  u64(): number {
    const high = this.u32();
    const low = this.u32();
    if (high >= 0x200000) throw new SftpProtocolError('sftp file offset too large');
    return high * 0x1_0000_0000 + low;
  }

  /** A string's bytes as a view of the packet (no copy). */
  bytes(): Buffer {
    return this.take(this.u32());
  }

  private take(length: number): Buffer {
    if (this.at + length > this.packet.length)
      throw new SftpProtocolError('sftp string longer than its packet');
    const view = this.packet.subarray(this.at, this.at + length);
    this.at += length;
    return view;
  }

  /**
   * A string that may run on past the packet's head into `rest` (a DATA's or WRITE's payload
   * split across chunks), as views of its pieces.
   */
  payload(rest: readonly Buffer[]): Buffer[] {
    const length = this.u32();
    if (rest.length === 0) return [this.take(length)];
    const pieces: Buffer[] = [];
    let need = length;
    for (const piece of [this.packet.subarray(this.at), ...rest]) {
      if (need === 0) break;
      const take = piece.subarray(0, need);
      if (take.length > 0) pieces.push(take);
      need -= take.length;
    }
    if (need > 0) throw new SftpProtocolError('sftp string longer than its packet');
    this.at = this.packet.length;
    return pieces;
  }

  text(): string {
    return this.bytes().toString('utf8');
  }
}

/** Offsets within a packet: uint32 length, byte type, uint32 request id (all but INIT/VERSION). */
export const TYPE_AT = 4;
export const ID_AT = 5;
export const FIELDS_AT = 9;

export function statusPacket(id: number, code: number, message: string): Buffer {
  const text = Buffer.from(message, 'utf8');
  const lang = Buffer.from('en', 'utf8');
  const body = 1 + 4 + 4 + 4 + text.length + 4 + lang.length;
  const out = Buffer.allocUnsafe(4 + body);
  let at = out.writeUInt32BE(body, 0);
  at = out.writeUInt8(FXP.STATUS, at);
  at = out.writeUInt32BE(id, at);
  at = out.writeUInt32BE(code, at);
  at = out.writeUInt32BE(text.length, at);
  at += text.copy(out, at);
  at = out.writeUInt32BE(lang.length, at);
  lang.copy(out, at);
  return out;
}

/** A DATA reply carrying these bytes (a copy: the budget's cut of a longer one). */
export function dataPacket(id: number, data: Buffer): Buffer {
  const out = Buffer.allocUnsafe(13 + data.length);
  out.writeUInt32BE(9 + data.length, 0);
  out.writeUInt8(FXP.DATA, 4);
  out.writeUInt32BE(id, 5);
  out.writeUInt32BE(data.length, 9);
  data.copy(out, 13);
  return out;
}

/** A request of our own: type, id and string fields (text as UTF-8, or bytes). */
export function requestPacket(type: number, id: number, ...strings: (string | Buffer)[]): Buffer {
  const fields = strings.map((s) => (typeof s === 'string' ? Buffer.from(s, 'utf8') : s));
  const body = 1 + 4 + fields.reduce((n, f) => n + 4 + f.length, 0);
  const out = Buffer.allocUnsafe(4 + body);
  let at = out.writeUInt32BE(body, 0);
  at = out.writeUInt8(type, at);
  at = out.writeUInt32BE(id, at);
  for (const f of fields) {
    at = out.writeUInt32BE(f.length, at);
    at += f.copy(out, at);
  }
  return out;
}
