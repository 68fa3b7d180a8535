import { describe, expect, it } from 'vitest';
import { filteredNames } from '../../src/sftp/name-replies.js';
import { FXP, SftpProtocolError } from '../../src/sftp/sftp-protocol.js';
import { names, str, u32 } from '../helpers/sftp-relay-harness.js';

/** ATTRS with every field, extensions included: the filter must step over all of them. */
const fullAttrs = Buffer.concat([
  u32(0x8000000f),
  u32(0),
  u32(42), // size
  u32(1000),
  u32(1000), // uid, gid
  u32(0o100644), // permissions
  u32(1),
  u32(2), // atime, mtime
  u32(1),
  str('vendor@example.com'),
  str('data'),
]);
const entry = (name: string | Buffer, attrs: Buffer = fullAttrs): Buffer =>
  Buffer.concat([str(name), str(`-rw-r--r-- 1 u g 42 Jan 1 00:00 ${String(name)}`), attrs]);

function nameReply(entries: readonly Buffer[], count = entries.length): Buffer {
  const body = Buffer.concat([Buffer.from([FXP.NAME]), u32(7), u32(count), ...entries]);
  return Buffer.concat([u32(body.length), body]);
}

/** The names a filtered reply holds, checked to keep the request's id. */
function namesIn(packet: Buffer): string[] {
  expect(packet.readUInt32BE(0)).toBe(packet.length - 4);
  expect(packet.readUInt32BE(5)).toBe(7);
  return names(packet);
}

describe('filteredNames', () => {
  const packet = nameReply([entry('.'), entry('keep.txt'), entry('drop.txt'), entry('also-keep')]);

  it('keeps only the entries asked for, as a well-formed NAME with the same id', () => {
    const shown = filteredNames(packet, (n) => n !== 'drop.txt');
    expect(namesIn(shown!)).toEqual(['.', 'keep.txt', 'also-keep']);
  });

  it('passes the reply itself on when it keeps everything, and null when it keeps nothing', () => {
    expect(filteredNames(packet, () => true)).toBe(packet);
    expect(filteredNames(packet, () => false)).toBeNull();
  });

  it('never keeps a name that is not UTF-8', () => {
    const odd = nameReply([entry(Buffer.from([0x66, 0xff, 0x6f])), entry('ok')]);
    expect(namesIn(filteredNames(odd, () => true)!)).toEqual(['ok']);
  });

  it('throws on a reply whose entries run past its end', () => {
    expect(() => filteredNames(nameReply([entry('a')], 2), () => true)).toThrow(SftpProtocolError);
    const cut = nameReply([entry('a')]).subarray(0, 30);
    expect(() => filteredNames(cut, () => true)).toThrow(SftpProtocolError);
  });
});
