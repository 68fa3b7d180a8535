import { isUtf8 } from 'node:buffer';
import { FIELDS_AT, PacketReader } from './sftp-protocol.js';

/** ATTRS flags (draft-ietf-secsh-filexfer-02, section 5): which fields follow. */
const ATTR = { SIZE: 0x1, UIDGID: 0x2, PERMISSIONS: 0x4, ACMODTIME: 0x8, EXTENDED: 0x80000000 };

/** Reads past one ATTRS structure. */
function skipAttrs(r: PacketReader): void {
  const flags = r.u32();
  const words =
    (flags & ATTR.SIZE ? 2 : 0) +
    (flags & ATTR.UIDGID ? 2 : 0) +
    (flags & ATTR.PERMISSIONS ? 1 : 0) +
    (flags & ATTR.ACMODTIME ? 2 : 0);
  for (let w = 0; w < words; w++) r.u32();
  if (flags & ATTR.EXTENDED) {
    for (let n = r.u32(); n > 0; n--) {
      r.bytes();
      r.bytes();
    }
  }
}

/**
 * The first name of a NAME reply (REALPATH answers with one), or null when it has none or it is
 * not UTF-8 (it could not be matched against path limits as the name it is).
 */
export function firstName(packet: Buffer): string | null {
  const r = new PacketReader(packet, FIELDS_AT);
  const name = r.u32() >= 1 ? r.bytes() : null;
  return name !== null && isUtf8(name) ? name.toString('utf8') : null;
}

/**
 * A READDIR's NAME reply with only the entries whose (UTF-8) name `keep` allows, or null when it
 * keeps none; the reply itself when it keeps them all. A name that is not UTF-8 is never kept:
 * it could not be judged as the name it is. Throws SftpProtocolError on a malformed reply.
 */
export function filteredNames(packet: Buffer, keep: (name: string) => boolean): Buffer | null {
  const r = new PacketReader(packet, FIELDS_AT);
  const count = r.u32();
  const kept: Buffer[] = [];
  let start = r.at;
  for (let i = 0; i < count; i++) {
    const name = r.bytes();
    r.bytes(); // the longname (`ls -l` style): it names the same entry
    skipAttrs(r);
    if (isUtf8(name) && keep(name.toString('utf8'))) kept.push(packet.subarray(start, r.at));
    start = r.at;
  }
  if (kept.length === count) return packet;
  if (kept.length === 0) return null;
  const head = Buffer.alloc(FIELDS_AT + 4);
  packet.copy(head, 0, 0, FIELDS_AT);
  head.writeUInt32BE(kept.length, FIELDS_AT);
  const reply = Buffer.concat([head, ...kept]);
  reply.writeUInt32BE(reply.length - 4, 0);
  return reply;
}
