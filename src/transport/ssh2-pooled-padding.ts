/**
 * ssh2 (1.17) fills the 4 to 19 padding bytes of every packet it sends with its own
 * `crypto.randomFillSync` call (a download: one per 32 KiB packet, a few percent of the relay's
 * CPU). Patched here: the outgoing ciphers' `allocPacket` takes the padding from a `RandomPool`
 * (CSPRNG bytes, each handed out once). The packet layout is ssh2's: for each cipher class the
 * patched `allocPacket` is checked against ssh2's own at install, and a class whose layout
 * differs (another ssh2 version) keeps ssh2's.
 */
import { createRequire } from 'node:module';
import { RandomPool } from './random-pool.js';

type AllocPacket = (this: OutboundCipher, payloadLen: number) => Buffer;

interface OutboundCipher {
  allocPacket: AllocPacket;
  free(): void;
  readonly _encBlockLen?: number;
  readonly _aadLen?: number;
  readonly _macLen?: number;
}

interface CryptoModule {
  readonly CIPHER_INFO: Record<string, { readonly keyLen: number; readonly ivLen: number }>;
  readonly MAC_INFO: Record<string, { readonly len: number }>;
  createCipher(config: unknown): OutboundCipher;
}

/** How a cipher class lays a packet out: padding to `block` (counting from `aad`), then `room`. */
interface Layout {
  block(c: OutboundCipher): number;
  aad(c: OutboundCipher): number;
  room(c: OutboundCipher): number;
}

const fixed = (block: number, aad: number, room: number): Layout => ({
  block: () => block,
  aad: () => aad,
  room: () => room,
});
const generic = (withMac: boolean): Layout => ({
  block: (c) => c._encBlockLen ?? 0,
  aad: (c) => c._aadLen ?? 0,
  room: (c) => (withMac ? (c._macLen ?? 0) : 0),
});

/** A sample of each outgoing cipher class (native binding and JS fallback) and its layout. */
const SAMPLES: readonly { cipher: string; forceNative: boolean; layout: Layout }[] = [
  { cipher: 'chacha20-poly1305@openssh.com', forceNative: false, layout: fixed(8, 4, 16) },
  { cipher: 'chacha20-poly1305@openssh.com', forceNative: true, layout: fixed(8, 4, 0) },
  { cipher: 'aes128-gcm@openssh.com', forceNative: false, layout: fixed(16, 4, 16) },
  { cipher: 'aes128-gcm@openssh.com', forceNative: true, layout: fixed(16, 4, 0) },
  { cipher: 'aes128-ctr', forceNative: false, layout: generic(true) },
  { cipher: 'aes128-ctr', forceNative: true, layout: generic(false) },
];

let installed: string[] | null = null;

function pooledAllocPacket(layout: Layout, pool: RandomPool): AllocPacket {
  return function allocPacket(this: OutboundCipher, payloadLen: number): Buffer {
    const block = layout.block(this);
    let pktLen = 4 + 1 + payloadLen;
    let padLen = block - ((pktLen - layout.aad(this)) & (block - 1));
    if (padLen < 4) padLen += block;
    pktLen += padLen;
    const packet = Buffer.allocUnsafe(pktLen + layout.room(this));
    packet.writeUInt32BE(pktLen - 4, 0);
    packet[4] = padLen;
    pool.fill(packet, 5 + payloadLen, padLen);
    return packet;
  };
}

/** Same length, length field and padding length as ssh2's own for every payload length mod 64. */
function sameLayout(cipher: OutboundCipher, ours: AllocPacket, theirs: AllocPacket): boolean {
  for (let n = 0; n < 64; n++) {
    const a = ours.call(cipher, n);
    const b = theirs.call(cipher, n);
    if (a.length !== b.length || !a.subarray(0, 5).equals(b.subarray(0, 5))) return false;
  }
  return true;
}

/**
 * Idempotent; call before any connection is made (createBastion does). Returns the names of the
 * cipher classes patched (for the test; empty if none matched ssh2's layout).
 */
export function installSsh2PooledPadding(): readonly string[] {
  if (installed !== null) return installed;
  const require = createRequire(import.meta.url);
  const crypto = require('ssh2/lib/protocol/crypto.js') as CryptoModule;
  const pool = new RandomPool();
  const patched: string[] = [];
  for (const { cipher, forceNative, layout } of SAMPLES) {
    const info = crypto.CIPHER_INFO[cipher];
    const mac = crypto.MAC_INFO['hmac-sha2-256'];
    if (info === undefined || mac === undefined) continue;
    let sample: OutboundCipher;
    try {
      sample = crypto.createCipher({
        outbound: {
          onWrite: () => undefined,
          cipherInfo: info,
          cipherKey: Buffer.alloc(info.keyLen),
          cipherIV: Buffer.alloc(info.ivLen),
          seqno: 0,
          macInfo: mac,
          macKey: Buffer.alloc(mac.len),
          forceNative,
        },
      });
    } catch {
      continue; // a cipher this ssh2 build cannot make
    }
    const proto = Object.getPrototypeOf(sample) as OutboundCipher & {
      constructor: { name: string };
    };
    const theirs = proto.allocPacket;
    const ours = pooledAllocPacket(layout, pool);
    if (!patched.includes(proto.constructor.name) && sameLayout(sample, ours, theirs)) {
      proto.allocPacket = ours;
      patched.push(proto.constructor.name);
    }
    sample.free();
  }
  installed = patched;
  return patched;
}
