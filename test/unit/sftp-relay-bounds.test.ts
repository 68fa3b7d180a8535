import { Duplex, PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { PacketFramer } from '../../src/sftp/sftp-framer.js';
import { FXP, requestPacket } from '../../src/sftp/sftp-protocol.js';
import { MAX_OUTSTANDING, relaySftp } from '../../src/sftp/sftp-relay.js';

/** One side of the relay as two pipes: what we write in, what the relay wrote out. */
function side() {
  const input = new PassThrough();
  const output = new PassThrough();
  const packets: Buffer[] = [];
  const framer = new PacketFramer();
  output.on('data', (chunk: Buffer) =>
    framer.push(chunk, (head, rest) => packets.push(Buffer.concat([head, ...rest]))),
  );
  return { stream: Duplex.from({ readable: input, writable: output }), input, packets };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 50));
const VERSION = Buffer.from([0, 0, 0, 5, FXP.VERSION, 0, 0, 0, 3]);

function nameReply(id: number, name: string): Buffer {
  const text = Buffer.from(name);
  const out = Buffer.alloc(4 + 1 + 4 + 4 + 4 + text.length + 4 + 4 + 4);
  out.writeUInt32BE(out.length - 4, 0);
  out[4] = FXP.NAME;
  out.writeUInt32BE(id, 5);
  out.writeUInt32BE(1, 9);
  out.writeUInt32BE(text.length, 13);
  text.copy(out, 17);
  return out;
}

describe('relaySftp bounds', () => {
  it(`forwards at most ${MAX_OUTSTANDING} requests the target has not answered`, async () => {
    const user = side();
    const target = side();
    const done = relaySftp(user.stream, target.stream, {
      rights: { direction: 'both', paths: [], budgetBytes: null },
      takeBudget: () => Promise.resolve(0),
      observer: { change: () => Promise.resolve(true), fileMoved: () => {}, refused: () => {} },
    });
    user.input.write(Buffer.from([0, 0, 0, 5, FXP.INIT, 0, 0, 0, 3]));
    await settle();
    // INIT, then the relay's own REALPATH of `.`.
    const ownId = target.packets[1]!.readUInt32BE(5);
    target.input.write(Buffer.concat([VERSION, nameReply(ownId, '/home/alice')]));
    await settle();

    const stats = Array.from({ length: 3000 }, (_, id) => requestPacket(FXP.STAT, id, 'x'));
    user.input.write(Buffer.concat(stats));
    await settle();
    expect(target.packets.length - 2).toBe(MAX_OUTSTANDING);

    target.input.write(Buffer.concat(Array.from({ length: 10 }, (_, id) => nameReply(id, 'x'))));
    await settle();
    expect(target.packets.length - 2).toBe(MAX_OUTSTANDING + 10);

    user.input.end();
    target.input.end();
    await done;
  });

  it('stops reading a user who does not read its replies, refusals included', async () => {
    const user = side();
    const unread = new PassThrough();
    const target = side();
    const userStream = Duplex.from({ readable: user.input, writable: unread });
    const done = relaySftp(userStream, target.stream, {
      rights: { direction: 'both', paths: [], budgetBytes: null },
      takeBudget: () => Promise.resolve(0),
      observer: { change: () => Promise.resolve(true), fileMoved: () => {}, refused: () => {} },
    });
    user.input.write(Buffer.from([0, 0, 0, 5, FXP.INIT, 0, 0, 0, 3]));
    await settle();
    const ownId = target.packets[1]!.readUInt32BE(5);
    target.input.write(Buffer.concat([VERSION, nameReply(ownId, '/home/alice')]));
    await settle();

    // Each is refused by the relay itself, which answers without the target.
    const refused = Array.from({ length: 20_000 }, (_, id) =>
      requestPacket(FXP.EXTENDED, id, 'copy-data'),
    );
    user.input.write(Buffer.concat(refused));
    await settle();
    expect(userStream.writableLength + unread.readableLength).toBeLessThan(256 * 1024);

    user.input.end();
    target.input.end();
    unread.resume();
    await done;
  });
});
