import { describe, expect, it } from 'vitest';
import { PacketFramer } from '../../src/sftp/sftp-framer.js';
import { MAX_PACKET_BODY, SftpProtocolError } from '../../src/sftp/sftp-protocol.js';

function packet(type: number, body: number, fill: number): Buffer {
  const out = Buffer.alloc(4 + body, fill);
  out.writeUInt32BE(body, 0);
  out[4] = type;
  return out;
}

const packets = [
  packet(1, 5, 0xa1),
  packet(103, 300, 0xb2),
  packet(101, 1, 0xc3),
  packet(6, 70, 0xd4),
];
const stream = Buffer.concat(packets);

function frame(chunks: Buffer[]): Buffer[] {
  const framer = new PacketFramer();
  const out: Buffer[] = [];
  for (const chunk of chunks) framer.push(chunk, (p) => out.push(Buffer.from(p)));
  expect(framer.pending).toBe(0);
  return out;
}

describe('PacketFramer', () => {
  it('finds the same packets whichever byte the stream is split at', () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      expect(frame([stream.subarray(0, cut), stream.subarray(cut)])).toEqual(packets);
    }
  });

  it('finds them when every byte arrives on its own', () => {
    const bytes = [...stream].map((b) => Buffer.from([b]));
    expect(frame(bytes)).toEqual(packets);
  });

  it('hands on a packet within one chunk as a view of it, without a copy', () => {
    const seen: Buffer[] = [];
    new PacketFramer().push(stream, (p) => seen.push(p));
    expect(seen.map((p) => p.buffer === stream.buffer)).toEqual([true, true, true, true]);
  });

  it('refuses a packet longer than OpenSSH allows before keeping any of it', () => {
    const framer = new PacketFramer();
    const head = Buffer.alloc(4);
    head.writeUInt32BE(MAX_PACKET_BODY + 1024 + 1);
    expect(() => framer.push(head, () => {})).toThrow(SftpProtocolError);
    expect(() => new PacketFramer().push(Buffer.alloc(4), () => {})).toThrow('empty sftp packet');
  });

  it('refuses an oversized length split across chunks too', () => {
    const framer = new PacketFramer();
    framer.push(Buffer.from([0, 0x10]), () => {});
    expect(() => framer.push(Buffer.from([0, 0]), () => {})).toThrow(/over the 257 KiB limit/);
  });

  it('accepts the largest packet OpenSSH sends', () => {
    const big = packet(6, MAX_PACKET_BODY + 1024, 0x55);
    const out = frame([big.subarray(0, 1000), big.subarray(1000)]);
    expect(out.length).toBe(1);
    expect(out[0]!.equals(big)).toBe(true);
  });
});
