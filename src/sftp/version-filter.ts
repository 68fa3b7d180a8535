import { FXP, PacketReader } from './sftp-protocol.js';
import { KNOWN_EXTENSIONS } from './sftp-request.js';

/**
 * The target's VERSION reply with only the extensions gatehouse checks: a client then does not
 * try the others (which the relay would refuse anyway). The version itself passes unchanged.
 */
export function filterVersion(packet: Buffer): Buffer {
  const r = new PacketReader(packet, 5);
  const version = r.u32();
  const kept: Buffer[] = [];
  while (r.at < packet.length) {
    const start = r.at;
    const name = r.text();
    r.bytes();
    if (KNOWN_EXTENSIONS.has(name)) kept.push(packet.subarray(start, r.at));
  }
  const head = Buffer.allocUnsafe(9);
  const body = 1 + 4 + kept.reduce((n, k) => n + k.length, 0);
  head.writeUInt32BE(body, 0);
  head.writeUInt8(FXP.VERSION, 4);
  head.writeUInt32BE(version, 5);
  return Buffer.concat([head, ...kept], 4 + body);
}
