import { execFile } from 'node:child_process';
import { open, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { UstarWriter, walkUstar } from '../../src/evidence/ustar.js';
import { tempDir } from '../helpers/tmp.js';

const execFileP = promisify(execFile);

async function writeTar(members: readonly [string, Buffer][]): Promise<string> {
  const file = join(await tempDir('gatehouse-ustar-'), 't.tar');
  const fh = await open(file, 'wx');
  try {
    const tar = new UstarWriter(fh, 1_700_000_000);
    for (const [name, data] of members) await tar.addBuffer(name, data);
    await tar.finish();
  } finally {
    await fh.close();
  }
  return file;
}

async function readAll(file: string): Promise<[string, string][]> {
  const out: [string, string][] = [];
  await walkUstar(file, (m) => {
    const chunks: Buffer[] = [];
    return {
      write: (c) => void chunks.push(c),
      end: () => void out.push([m.name, Buffer.concat(chunks).toString('utf8')]),
    };
  });
  return out;
}

/** Rewrites header field bytes at `offset` and fixes the checksum, as a forger would. */
async function forgeHeader(
  file: string,
  header: number,
  offset: number,
  bytes: string,
): Promise<void> {
  const data = await readFile(file);
  data.write(bytes, header + offset, 'latin1');
  data.fill(0x20, header + 148, header + 156);
  let sum = 0;
  for (let i = 0; i < 512; i += 1) sum += data[header + i] ?? 0;
  data.write(`${sum.toString(8).padStart(6, '0')}\0 `, header + 148, 'latin1');
  await writeFile(file, data);
}

describe('ustar', () => {
  it('reads back what it wrote, and GNU tar lists it', async () => {
    const big = Buffer.alloc(70_000, 0x61);
    const file = await writeTar([
      ['evidence.json', Buffer.from('{}\n')],
      ['sessions/a.cast', big],
      ['empty', Buffer.alloc(0)],
    ]);
    expect(await readAll(file)).toEqual([
      ['evidence.json', '{}\n'],
      ['sessions/a.cast', big.toString()],
      ['empty', ''],
    ]);
    const { stdout } = await execFileP('tar', ['-tf', file]);
    expect(stdout).toBe('evidence.json\nsessions/a.cast\nempty\n');
  });

  it('refuses unsafe names when writing', async () => {
    for (const name of ['/etc/passwd', '../x', 'a/../b', 'a//b', 'a\\b', 'x\n', 'a'.repeat(101)]) {
      await expect(writeTar([[name, Buffer.alloc(1)]]), name).rejects.toThrow(/is not allowed/);
    }
  });

  it('refuses links, extended headers, long-name prefixes and unsafe names when reading, even with a good checksum', async () => {
    const cases: [number, string, RegExp][] = [
      [156, '2', /tar header at byte 0: "a" is not a regular file \(type "2"\)/],
      [156, '1', /is not a regular file \(type "1"\)/],
      [156, 'x', /is not a regular file \(type "x"\)/],
      [345, 'dir', /long names \(a ustar prefix\) are refused/],
      [0, '../a', /member name "..\/a" is not allowed/],
      [0, '/a\0', /member name "\/a" is not allowed/],
    ];
    for (const [offset, bytes, problem] of cases) {
      const file = await writeTar([['a', Buffer.from('x')]]);
      await forgeHeader(file, 0, offset, bytes);
      await expect(readAll(file), bytes).rejects.toThrow(problem);
    }
  });

  it('refuses a changed header byte, non-zero padding, a cut file and data after the end', async () => {
    const flip = async (at: number | ((len: number) => number), problem: RegExp) => {
      const file = await writeTar([['a', Buffer.from('xyz')]]);
      const data = await readFile(file);
      const pos = typeof at === 'number' ? at : at(data.length);
      data[pos] = (data[pos] ?? 0) ^ 1;
      await writeFile(file, data);
      await expect(readAll(file)).rejects.toThrow(problem);
    };
    await flip(140, /tar header at byte 0: checksum does not match/);
    await flip(512 + 100, /a: the padding after this member is not zeros/);
    await flip((n) => n - 1, /tar: data after the end of the archive/);
    const file = await writeTar([['a', Buffer.from('xyz')]]);
    const whole = await readFile(file);
    await writeFile(file, whole.subarray(0, 512 + 2));
    await expect(readAll(file)).rejects.toThrow(/a: the file ends inside this member/);
    await writeFile(file, whole.subarray(0, 1024));
    await expect(readAll(file)).rejects.toThrow(/the file ends before the end-of-archive blocks/);
  });
});
