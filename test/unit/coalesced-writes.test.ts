import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { coalesceWritesPerTick } from '../../src/transport/coalesced-writes.js';

type Internals = Omit<Socket, '_write' | '_writev'> & {
  _write(chunk: Buffer, encoding: BufferEncoding, cb: () => void): void;
  _writev(chunks: { chunk: Buffer }[], cb: () => void): void;
};

let server: Server | null = null;
afterEach(() => {
  server?.close();
  server = null;
});

/** A real loopback connection: the sending socket (coalesced) and what the peer received. */
async function socketPair(): Promise<{ sender: Internals; received: () => Promise<Buffer> }> {
  const accepted = new Promise<Socket>((resolve) => {
    server = createServer(resolve);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server!.address() as { port: number };
  const sender = connect(port, '127.0.0.1');
  await new Promise<void>((resolve) => sender.once('connect', resolve));
  const peer = await accepted;
  const chunks: Buffer[] = [];
  peer.on('data', (d: Buffer) => chunks.push(d));
  const ended = new Promise<void>((resolve) => peer.once('end', resolve));
  return {
    sender: sender as unknown as Internals,
    received: async () => {
      await ended;
      peer.destroy();
      return Buffer.concat(chunks);
    },
  };
}

/** Counts the syscall-level writes: one `_write` or one `_writev` each. */
function countWrites(socket: Internals): { single: number; vectored: number[] } {
  const counts = { single: 0, vectored: [] as number[] };
  const write = socket._write.bind(socket);
  const writev = socket._writev.bind(socket);
  socket._write = (chunk, encoding, cb) => {
    counts.single += 1;
    write(chunk, encoding, cb);
  };
  socket._writev = (chunks, cb) => {
    counts.vectored.push(chunks.length);
    writev(chunks, cb);
  };
  return counts;
}

describe('coalesceWritesPerTick', () => {
  it('sends the packets written in one tick as one writev, in order', async () => {
    const { sender, received } = await socketPair();
    coalesceWritesPerTick(sender);
    const counts = countWrites(sender);
    const packets = Array.from({ length: 5 }, (_, i) => Buffer.alloc(1000 + i, 0x61 + i));
    const callbacks: number[] = [];
    packets.forEach((p, i) => sender.write(p, () => callbacks.push(i)));
    await new Promise((resolve) => setImmediate(resolve));
    expect(counts).toEqual({ single: 0, vectored: [5] });
    sender.end();
    expect(await received()).toEqual(Buffer.concat(packets));
    expect(callbacks).toEqual([0, 1, 2, 3, 4]);
  });

  it('uncorks every tick: a lone write in a later tick goes out on its own', async () => {
    const { sender, received } = await socketPair();
    coalesceWritesPerTick(sender);
    const counts = countWrites(sender);
    sender.write(Buffer.from('first'));
    await new Promise((resolve) => setImmediate(resolve));
    sender.write(Buffer.from('second'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(counts.single + counts.vectored.length).toBe(2);
    sender.end();
    expect((await received()).toString()).toBe('firstsecond');
  });
});
