import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { open, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { spawn as spawnPty } from 'node-pty';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { LineBatchWriter } from '../../src/recording/line-batch-writer.js';
import type { OpenRecordingOptions, RecordingFailure } from '../../src/recording/recorder.js';
import { openRecording } from '../../src/recording/recorder.js';
import { readCast } from '../../src/recording/replay.js';
import { tempDir } from '../helpers/tmp.js';

/** `asciinema cat` (2.2) opens /dev/tty, so it runs on a real pseudo-terminal. */
function asciinemaCat(path: string): Promise<{ exitCode: number; output: string }> {
  return new Promise((resolve) => {
    let output = '';
    const p = spawnPty('asciinema', ['cat', path], { env: { ...process.env, LANG: 'C.UTF-8' } });
    p.onData((d) => (output += d));
    p.onExit(({ exitCode }) => resolve({ exitCode, output }));
  });
}
const START = Date.UTC(2024, 2, 9, 23, 59, 58, 250);

async function options(over: Partial<OpenRecordingOptions> = {}): Promise<OpenRecordingOptions> {
  return {
    dir: await tempDir('gatehouse-rec-'),
    sessionId: randomUUID(),
    startedAt: START,
    width: 100,
    height: 30,
    title: 'alice@db1: bash',
    term: 'xterm-256color',
    captureInput: false,
    mode: 'strict',
    clock: fixedClock(START),
    ...over,
  };
}

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe('openRecording', () => {
  it('writes dir/YYYY/MM/DD/<uuid>.cast from the UTC start date, with the header first', async () => {
    const o = await options();
    const rec = await openRecording(o);
    expect(rec.relativePath).toBe(`2024/03/09/${o.sessionId}.cast`);
    expect(rec.path).toBe(join(o.dir, '2024', '03', '09', `${o.sessionId}.cast`));
    const seal = await rec.close();
    const { header, events } = readCast(await readFile(seal.path, 'utf8'));
    expect(header).toEqual({
      version: 2,
      width: 100,
      height: 30,
      timestamp: Math.floor(START / 1000),
      title: 'alice@db1: bash',
      env: { TERM: 'xterm-256color' },
    });
    expect(events).toEqual([]);
    expect((await stat(seal.path)).mode & 0o777).toBe(0o600);
  });

  it('records output, resizes and markers with times relative to the start, line by line', async () => {
    const clock = fixedClock(START);
    const rec = await openRecording(await options({ clock }));
    clock.advance(120);
    rec.output(Buffer.from('$ ls\r\n'));
    clock.advance(1000);
    rec.output(Buffer.from('boom\r\n'), 'stderr');
    rec.resize(120, 40);
    clock.advance(1);
    rec.marker('exec: uptime');
    rec.input(Buffer.from('hunter2\r')); // captureInput is off
    rec.resize(0, 10); // ignored
    const seal = await rec.close();
    const text = await readFile(seal.path, 'utf8');
    for (const line of text.trimEnd().split('\n'))
      expect(() => JSON.parse(line) as unknown).not.toThrow();
    expect(readCast(text).events).toEqual([
      { time: 0.12, kind: 'o', data: '$ ls\r\n' },
      { time: 1.12, kind: 'o', data: 'boom\r\n' },
      { time: 1.12, kind: 'r', data: '120x40' },
      { time: 1.121, kind: 'm', data: 'exec: uptime' },
      // after a final marker: an empty event, so the player's timeline shows the marker
      { time: 1.122, kind: 'o', data: '' },
    ]);
    expect(text).not.toContain('hunter2');
    expect(seal.events).toBe(5);
  });

  it('records input only when captureInput is on', async () => {
    const rec = await openRecording(await options({ captureInput: true }));
    rec.input(Buffer.from('ls\r'));
    const seal = await rec.close();
    expect(readCast(await readFile(seal.path, 'utf8')).events).toEqual([
      { time: 0, kind: 'i', data: 'ls\r' },
    ]);
  });

  it('keeps multibyte characters split across output() calls whole, per stream', async () => {
    const rec = await openRecording(await options());
    const text = '日本 😀 ü';
    const bytes = Buffer.from(text);
    for (let cut = 1; cut < bytes.length; cut++) {
      rec.output(bytes.subarray(0, cut));
      rec.output(Buffer.from([0xe2, 0x9c]), 'stderr'); // half a ✓ on stderr in between
      rec.output(bytes.subarray(cut));
      rec.output(Buffer.from([0x93]), 'stderr');
    }
    rec.output(Buffer.from([0xf0, 0x9f])); // cut off by the end of the session
    const seal = await rec.close();
    const events = readCast(await readFile(seal.path, 'utf8')).events;
    const joined = events.map((e) => e.data).join('');
    expect(joined).toBe(`${text}✓`.repeat(bytes.length - 1) + '\uFFFD');
  });

  it('flushes within 250 ms while the session is still open', async () => {
    const rec = await openRecording(await options());
    rec.output(Buffer.from('visible-before-close\r\n'));
    const deadline = Date.now() + 400;
    let seen = false;
    while (!seen && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 25));
      seen = (await readFile(rec.path, 'utf8')).includes('visible-before-close');
    }
    expect(seen).toBe(true);
    const text = await readFile(rec.path, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    await rec.close();
  });

  it('close returns the sha256, size and event count of the file on disk', async () => {
    const rec = await openRecording(await options());
    for (let i = 0; i < 2000; i++) rec.output(Buffer.from(`line ${i} ${'x'.repeat(i % 97)}\r\n`));
    const seal = await rec.close();
    const onDisk = await readFile(seal.path);
    expect(seal.sha256).toBe(sha256(onDisk));
    expect(seal.bytes).toBe(onDisk.length);
    expect(seal.events).toBe(2000);
    expect(await rec.close()).toEqual(seal); // idempotent
    rec.output(Buffer.from('after close'));
    expect(sha256(await readFile(seal.path))).toBe(seal.sha256);
  });

  it('on queue overflow calls onFailure, stops accepting and still leaves a parseable file', async () => {
    const failures: RecordingFailure[] = [];
    const rec = await openRecording(
      await options({ mode: 'best_effort', onFailure: (f) => failures.push(f) }),
    );
    const chunk = Buffer.alloc(16 * 1024, 'a');
    for (let i = 0; i < 9 * 64; i++) rec.output(chunk); // 9 MiB synchronously: the writer cannot drain
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ reason: 'overflow', mode: 'best_effort' });
    expect(rec.failed).toBe(true);
    const seal = await rec.close();
    const { events } = readCast(await readFile(seal.path, 'utf8'));
    expect(events.at(-1)).toMatchObject({
      kind: 'm',
      data: expect.stringContaining('recording stopped') as string,
    });
    expect(events.length).toBeLessThan(9 * 64);
    expect(seal.events).toBe(events.length);
    expect(seal.sha256).toBe(sha256(await readFile(seal.path)));
  });

  it('asks the relay to pause before the queue overflows and says when to resume', async () => {
    const failures: RecordingFailure[] = [];
    const rec = await openRecording(
      await options({ maxQueueBytes: 1024 * 1024, onFailure: (f) => failures.push(f) }),
    );
    const chunk = Buffer.alloc(16 * 1024, 'b');
    let pushed = 0;
    let pauses = 0;
    while (pushed < 300) {
      pushed += 1;
      if (!rec.output(chunk)) {
        pauses += 1;
        await new Promise<void>((resolve) => rec.on('drain', resolve));
      }
    }
    expect(pauses).toBeGreaterThan(0);
    expect(failures).toEqual([]);
    const seal = await rec.close();
    expect(seal.events).toBe(300);
    expect(seal.sha256).toBe(sha256(await readFile(seal.path)));
  });

  it('rejects with a clear error when the folder cannot be created', async () => {
    const base = await tempDir('gatehouse-rec-');
    await writeFile(join(base, 'not-a-dir'), 'x');
    await expect(openRecording(await options({ dir: join(base, 'not-a-dir') }))).rejects.toThrow(
      /recording: cannot create .*not-a-dir.*: (ENOTDIR|EEXIST)/,
    );
  });

  it('refuses to overwrite an existing recording', async () => {
    const o = await options();
    await (await openRecording(o)).close();
    await expect(openRecording(o)).rejects.toThrow(/EEXIST/);
  });

  it('refuses a session id that is not a UUID (no path from input)', async () => {
    await expect(openRecording(await options({ sessionId: '../../etc/passwd' }))).rejects.toThrow(
      /not a lower-case UUID/,
    );
  });

  it('is read by the Debian asciinema CLI', async (ctx) => {
    if (!existsSync('/usr/bin/asciinema')) ctx.skip();
    const rec = await openRecording(await options({ captureInput: true }));
    rec.output(Buffer.from('hello \u001b[32mgreen\u001b[0m 日本\r\n'));
    rec.input(Buffer.from('x'));
    rec.resize(90, 20);
    rec.marker('exec: ls');
    rec.output(Buffer.from('bye\r\n'));
    const seal = await rec.close();
    const { exitCode, output } = await asciinemaCat(seal.path);
    expect(exitCode).toBe(0);
    expect(output).toBe('hello \u001b[32mgreen\u001b[0m 日本\r\nbye\r\n');
  });
});

describe('LineBatchWriter on a failing file system', () => {
  it('reports the write error once and accepts nothing more', async () => {
    const fh = await open('/dev/full', 'w');
    const errors: unknown[] = [];
    const writer = new LineBatchWriter(fh, {
      flushIntervalMs: 10,
      flushThresholdBytes: 1024,
      maxQueueBytes: 1 << 20,
      onWriteError: (e) => errors.push(e),
    });
    expect(writer.push(Buffer.from('{"version":2}\n'), 0)).toBe('queued');
    await writer.drain();
    expect(errors).toHaveLength(1);
    expect((errors[0] as { code?: string }).code).toBe('ENOSPC');
    expect(writer.push(Buffer.from('[0,"o","x"]\n'), 1)).toBe('closed');
    expect((await writer.seal()).bytes).toBe(0);
    await fh.close();
  });
});
