import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { installSsh2PooledPadding } from '../../src/transport/ssh2-pooled-padding.js';

interface Cipher {
  allocPacket(n: number): Buffer;
  free(): void;
}
const ssh2Crypto = createRequire(import.meta.url)('ssh2/lib/protocol/crypto.js') as {
  readonly bindingAvailable: boolean;
  readonly CIPHER_INFO: Record<string, { keyLen: number; ivLen: number }>;
  createCipher(config: unknown): Cipher;
};

function chacha(forceNative: boolean): Cipher {
  const info = ssh2Crypto.CIPHER_INFO['chacha20-poly1305@openssh.com']!;
  return ssh2Crypto.createCipher({
    outbound: {
      onWrite: () => undefined,
      cipherInfo: info,
      cipherKey: Buffer.alloc(info.keyLen),
      seqno: 0,
      forceNative,
    },
  });
}

describe('installSsh2PooledPadding', () => {
  it('patches every outgoing cipher class of this ssh2, the default cipher first of all', () => {
    const patched = installSsh2PooledPadding();
    expect(patched).toContain('ChaChaPolyCipherNative');
    expect(patched).toContain('GenericCipherNative');
    if (ssh2Crypto.bindingAvailable) expect(patched).toContain('ChaChaPolyCipherBinding');
    expect(installSsh2PooledPadding()).toBe(patched); // idempotent
  });

  it("keeps ssh2's packet layout and gives each packet its own padding", () => {
    installSsh2PooledPadding();
    const cipher = chacha(false);
    const paddings = new Set<string>();
    for (const payload of [0, 1, 2, 3, 4, 5, 6, 7, 100, 32768]) {
      const packet = cipher.allocPacket(payload);
      const padLen = packet[4]!;
      const pktLen = packet.readUInt32BE(0);
      // RFC 4253 §6 with chacha20-poly1305: length excluded from the 8-byte blocks, 4..11 bytes of
      // padding, 16 bytes of room for the MAC after the packet (the native binding's).
      expect(padLen).toBeGreaterThanOrEqual(4);
      expect(padLen).toBeLessThan(12);
      expect(pktLen % 8).toBe(0);
      expect(pktLen).toBe(1 + payload + padLen);
      expect(packet.length).toBe(4 + pktLen + (ssh2Crypto.bindingAvailable ? 16 : 0));
      paddings.add(packet.subarray(5 + payload, 5 + payload + padLen).toString('hex'));
    }
    cipher.free();
    expect(paddings.size).toBe(10);
  });
});
