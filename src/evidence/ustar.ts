/**
 * The smallest strict ustar (POSIX.1-1988 tar) that evidence files need: regular files only, names
 * of at most 100 bytes, sizes below 8 GiB, written by us and read back by us. Hand-written rather
 * than node-tar because the reader must refuse everything a general tar accepts (links, pax
 * headers, long names, non-zero padding, data after the end) and stream each member through a
 * hash without ever extracting to disk. Any tar tool can still list and extract the file.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { errnoCode } from '../core/errors.js';
import { EvidenceProblem } from './evidence-problem.js';

const BLOCK = 512;
const CHUNK = 64 * 1024;
/** 11 octal digits. */
const MAX_MEMBER_BYTES = 8 ** 11 - 1;

const octal = (n: number, width: number): string => n.toString(8).padStart(width - 1, '0') + '\0';

function header(name: string, size: number, mtimeSec: number): Buffer {
  const h = Buffer.alloc(BLOCK);
  h.write(name, 0, 100, 'utf8');
  h.write(octal(0o644, 8), 100, 'ascii');
  h.write(octal(0, 8), 108, 'ascii');
  h.write(octal(0, 8), 116, 'ascii');
  h.write(octal(size, 12), 124, 'ascii');
  h.write(octal(mtimeSec, 12), 136, 'ascii');
  h.write(' '.repeat(8), 148, 'ascii');
  h.write('0', 156, 'ascii');
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  h.write(`${checksumOf(h).toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return h;
}

/** The sum of the header's bytes with the checksum field read as spaces. */
function checksumOf(h: Buffer): number {
  let sum = 0;
  for (let i = 0; i < BLOCK; i += 1) sum += i >= 148 && i < 156 ? 0x20 : (h[i] ?? 0);
  return sum;
}

function checkName(name: string): void {
  if (
    name === '' ||
    Buffer.byteLength(name, 'utf8') > 100 ||
    name.startsWith('/') ||
    name.split('/').some((part) => part === '' || part === '.' || part === '..') ||
    name.includes('\\') ||
    [...name].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)
  )
    throw new EvidenceProblem('tar', `member name ${JSON.stringify(name)} is not allowed`);
}

/** Writes members one after another into an open file; `finish` writes the end of the archive. */
export class UstarWriter {
  private position = 0;

  /** `onWrite` sees every byte written, in order (the hash of the whole file). */
  constructor(
    private readonly fh: FileHandle,
    private readonly mtimeSec: number,
    private readonly onWrite: (chunk: Buffer) => void = () => undefined,
  ) {}

  private async put(data: Buffer): Promise<void> {
    this.onWrite(data);
    await this.fh.write(data, 0, data.length, this.position);
    this.position += data.length;
  }

  private async pad(size: number): Promise<void> {
    const rest = (BLOCK - (size % BLOCK)) % BLOCK;
    if (rest > 0) await this.put(Buffer.alloc(rest));
  }

  async addBuffer(name: string, data: Buffer): Promise<void> {
    checkName(name);
    await this.put(header(name, data.length, this.mtimeSec));
    await this.put(data);
    await this.pad(data.length);
  }

  /** Copies a file of `size` bytes in chunks; a file of another size while copied is refused. */
  async addFile(name: string, filePath: string, size: number): Promise<void> {
    checkName(name);
    if (size > MAX_MEMBER_BYTES)
      throw new EvidenceProblem(name, `${size} bytes is more than a tar member can hold`);
    await this.put(header(name, size, this.mtimeSec));
    const src = await open(filePath, 'r');
    try {
      const buf = Buffer.alloc(CHUNK);
      let copied = 0;
      for (;;) {
        const { bytesRead } = await src.read(buf, 0, CHUNK, copied);
        if (bytesRead === 0) break;
        copied += bytesRead;
        if (copied > size) break;
        await this.put(buf.subarray(0, bytesRead));
      }
      if (copied !== size)
        throw new EvidenceProblem(name, `${filePath} changed size while it was copied`);
    } finally {
      await src.close();
    }
    await this.pad(size);
  }

  async finish(): Promise<void> {
    await this.put(Buffer.alloc(2 * BLOCK));
  }
}

/** Receives one member's bytes in order; `end` may throw an EvidenceProblem. */
export interface MemberSink {
  write(chunk: Buffer): void;
  end(): void;
}

export interface MemberHeader {
  readonly name: string;
  readonly size: number;
  /** Byte offset of the header in the file, for problems in the header itself. */
  readonly offset: number;
}

const fieldText = (h: Buffer, start: number, length: number): string =>
  h.subarray(start, start + length).toString('latin1');

function parseOctal(h: Buffer, start: number, length: number): number | null {
  const text = fieldText(h, start, length);
  const m = new RegExp(`^([0-7]{${length - 1}})\\0$`).exec(text);
  return m?.[1] === undefined ? null : parseInt(m[1], 8);
}

function parseHeader(h: Buffer, offset: number): MemberHeader {
  const where = `tar header at byte ${offset}`;
  const checksum = /^([0-7]{6})\0 $/.exec(fieldText(h, 148, 8));
  if (checksum?.[1] === undefined || parseInt(checksum[1], 8) !== checksumOf(h))
    throw new EvidenceProblem(where, 'checksum does not match (the header was altered)');
  if (fieldText(h, 257, 8) !== 'ustar\x0000')
    throw new EvidenceProblem(where, 'not a ustar header');
  const nameField = h.subarray(0, 100);
  const nul = nameField.indexOf(0);
  const name = nameField.subarray(0, nul === -1 ? 100 : nul).toString('utf8');
  const type = fieldText(h, 156, 1);
  if (type !== '0')
    throw new EvidenceProblem(
      where,
      `${JSON.stringify(name)} is not a regular file (type ${JSON.stringify(type)}); links and extended headers are refused`,
    );
  if (h.subarray(345, 500).some((b) => b !== 0))
    throw new EvidenceProblem(where, 'long names (a ustar prefix) are refused');
  checkName(name);
  const size = parseOctal(h, 124, 12);
  if (size === null) throw new EvidenceProblem(where, 'size field is not octal');
  return { name, size, offset };
}

const isZero = (b: Buffer): boolean => b.every((x) => x === 0);

/**
 * Walks a ustar file: for each member `visit` returns the sink its bytes go to (or throws to
 * refuse the member, e.g. an unexpected name or one too big). Padding and the end of the archive
 * must be zeros, and nothing but zeros may follow it.
 */
export async function walkUstar(
  filePath: string,
  visit: (member: MemberHeader) => MemberSink,
): Promise<void> {
  let fh: FileHandle;
  try {
    fh = await open(filePath, 'r');
  } catch (e) {
    throw new EvidenceProblem(filePath, `cannot read it (${errnoCode(e)})`);
  }
  try {
    const { size: fileSize } = await fh.stat();
    const block = Buffer.alloc(BLOCK);
    const buf = Buffer.alloc(CHUNK);
    let pos = 0;
    const readBlock = async (): Promise<boolean> => {
      const { bytesRead } = await fh.read(block, 0, BLOCK, pos);
      if (bytesRead === 0) return false;
      if (bytesRead < BLOCK)
        throw new EvidenceProblem('tar', `the file ends inside a block at byte ${pos}`);
      return true;
    };
    for (;;) {
      if (!(await readBlock()))
        throw new EvidenceProblem('tar', 'the file ends before the end-of-archive blocks');
      if (isZero(block)) break;
      const member = parseHeader(block, pos);
      pos += BLOCK;
      if (pos + member.size > fileSize)
        throw new EvidenceProblem(member.name, 'the file ends inside this member');
      const sink = visit(member);
      let left = member.size;
      while (left > 0) {
        const want = Math.min(CHUNK, left);
        const { bytesRead } = await fh.read(buf, 0, want, pos);
        if (bytesRead !== want)
          throw new EvidenceProblem(member.name, 'the file ends inside this member');
        sink.write(Buffer.from(buf.subarray(0, want)));
        pos += want;
        left -= want;
      }
      const padding = (BLOCK - (member.size % BLOCK)) % BLOCK;
      if (padding > 0) {
        const { bytesRead } = await fh.read(block, 0, padding, pos);
        if (bytesRead !== padding || !isZero(block.subarray(0, padding)))
          throw new EvidenceProblem(member.name, 'the padding after this member is not zeros');
        pos += padding;
      }
      sink.end();
    }
    pos += BLOCK;
    // The second end block and anything a tar tool pads the file with must be zeros.
    if (pos + BLOCK > fileSize) throw new EvidenceProblem('tar', 'the end-of-archive is cut short');
    while (pos < fileSize) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(CHUNK, fileSize - pos), pos);
      if (bytesRead === 0) break;
      if (!isZero(buf.subarray(0, bytesRead)))
        throw new EvidenceProblem('tar', `data after the end of the archive (byte ${pos})`);
      pos += bytesRead;
    }
  } finally {
    await fh.close();
  }
}
