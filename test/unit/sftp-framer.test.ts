import { describe, expect, it } from 'vitest';
import { PacketFramer, SPLIT_HEAD } from '../../src/sftp/sftp-framer.js';
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
  for (const chunk of chunks)
    framer.push(chunk, (head, rest) => out.push(Buffer.concat([head, ...rest])));
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
    new PacketFramer().push(stream, (head, rest) => {
      expect(rest).toEqual([]);
      seen.push(head);
    });
    expect(seen.map((p) => p.buffer === stream.buffer)).toEqual([true, true, true, true]);
  });

  it('joins only the head of a DATA or WRITE split across chunks, its payload stays in them', () => {
    const write = packet(6, 200_000, 0x77);
    const chunks = [write.subarray(0, 100), write.subarray(100, 70_000), write.subarray(70_000)];
    const got: { head: Buffer; rest: readonly Buffer[] }[] = [];
    const framer = new PacketFramer();
    for (const chunk of chunks) framer.push(chunk, (head, rest) => got.push({ head, rest }));
    expect(got.length).toBe(1);
    const { head, rest } = got[0]!;
    expect(head.length).toBe(SPLIT_HEAD);
    expect(rest.map((piece) => piece.buffer === write.buffer)).toEqual([true, true]);
    expect(Buffer.concat([head, ...rest]).equals(write)).toBe(true);
    // Other packets split across chunks are joined whole.
    const name = packet(104, 5000, 0x11);
    const joined: Buffer[] = [];
    framer.push(name.subarray(0, 10), () => {});
    framer.push(name.subarray(10), (h, r) => {
      expect(r).toEqual([]);
      joined.push(h);
    });
    expect(joined[0]!.equals(name)).toBe(true);
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

  it('copies a packet that trickles in a byte at a time once, not once per byte', () => {
    const big = packet(6, 64 * 1024, 0x66);
    // eslint-disable-next-line @typescript-eslint/unbound-method -- put back as it was
    const original = Buffer.concat;
    const concat = original.bind(Buffer);
    let copied = 0;
    Buffer.concat = (list: readonly Uint8Array[], total?: number) => {
      const out = concat(list, total);
      copied += out.length;
      return out;
    };
    try {
      expect(frame([...big].map((b) => Buffer.from([b])))).toEqual([big]);
    } finally {
      Buffer.concat = original;
    }
    expect(copied).toBeLessThanOrEqual(2 * big.length);
  });

  it('gathers a payload that trickles in a byte at a time into a few pieces, not one per byte', () => {
    const write = packet(6, 64 * 1024, 0x77);
    const framer = new PacketFramer();
    const pieces: number[] = [];
    const out: Buffer[] = [];
    for (const b of write)
      framer.push(Buffer.from([b]), (head, rest) => {
        pieces.push(rest.length);
        out.push(Buffer.concat([head, ...rest]));
      });

    expect(out).toEqual([write]);
    // Each piece handed on is a Buffer held until the write: one per byte is megabytes of them.
    expect(pieces[0]).toBeLessThanOrEqual(16);
  });
});
