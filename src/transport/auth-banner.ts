import type { Connection } from 'ssh2';

/**
 * ssh2 can send a USERAUTH_BANNER only once, before authentication starts (the `banner` server
 * option). RFC 4252 §5.4 allows one at any time before success, and OpenSSH prints it on stderr
 * even in BatchMode: the only way to tell a refused non-interactive client what to do. This
 * writes the packet through ssh2's protocol object (internal API of ssh2 1.x, pinned by the
 * lockfile; the integration test ssh-nda.test.ts notices if it breaks).
 */
interface ProtocolInternals {
  readonly _packetRW?: {
    readonly write: {
      readonly allocStart: number;
      alloc(n: number): Buffer;
      finalize(packet: Buffer): Buffer;
    };
  };
  readonly _cipher?: { encrypt(packet: Buffer): void };
  readonly _kexinit?: unknown;
}

const USERAUTH_BANNER = 53;

export function sendAuthBanner(conn: Connection, text: string): boolean {
  const proto = (conn as unknown as { _protocol?: ProtocolInternals })._protocol;
  if (proto?._packetRW === undefined || proto._cipher === undefined || proto._kexinit !== undefined)
    return false;
  const message = Buffer.from(
    text.endsWith('\n') ? text.replace(/\r?\n/g, '\r\n') : `${text.replace(/\r?\n/g, '\r\n')}\r\n`,
  );
  const w = proto._packetRW.write;
  let p = w.allocStart;
  const packet = w.alloc(1 + 4 + message.length + 4);
  packet[p] = USERAUTH_BANNER;
  packet.writeUInt32BE(message.length, ++p);
  message.copy(packet, (p += 4));
  packet.writeUInt32BE(0, p + message.length); // language tag: empty
  proto._cipher.encrypt(w.finalize(packet));
  return true;
}
