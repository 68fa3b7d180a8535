/** Following a .cast file as it is appended to (recording/cast-follower.ts), on a real file. */
import { appendFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CastEvent } from '../../src/recording/asciicast-encoder.js';
import { CastFollowError, followCast } from '../../src/recording/cast-follower.js';
import { eventually } from '../helpers/eventually.js';
import { tempDir } from '../helpers/tmp.js';

const HEADER = '{"version":2,"width":80,"height":24}\n';
const line = (time: number, data: string): string => `${JSON.stringify([time, 'o', data])}\n`;

async function castFile(text: string): Promise<string> {
  const path = join(await tempDir('gatehouse-follow-'), 's.cast');
  await writeFile(path, text);
  return path;
}

function follow(path: string, signal?: AbortSignal) {
  const events: CastEvent[] = [];
  const widths: number[] = [];
  let ended = false;
  const done = followCast(path, {
    ended: () => Promise.resolve(ended),
    onHeader: (h) => void widths.push(h.width),
    onEvent: (e) => void events.push(e),
    pollMs: 10,
    endCheckEvery: 1,
    ...(signal === undefined ? {} : { signal }),
  });
  return { events, widths, done, end: () => (ended = true) };
}

describe('followCast', () => {
  it('delivers the file so far, then each line once complete, and the rest after the end', async () => {
    const path = await castFile(HEADER + line(0.1, 'so far'));
    const f = follow(path);
    await eventually(
      async () => f.events.length,
      (n) => n === 1,
    );
    expect(f.widths).toEqual([80]);
    await appendFile(path, '[0.2,"o","half');
    await new Promise((r) => setTimeout(r, 50));
    expect(f.events).toHaveLength(1);
    await appendFile(path, ' and rest"]\n');
    await eventually(
      async () => f.events.length,
      (n) => n === 2,
    );
    expect(f.events[1]).toEqual({ time: 0.2, kind: 'o', data: 'half and rest' });
    // Written just before the session row ended: still delivered.
    await appendFile(path, line(0.3, 'last'));
    f.end();
    expect(await f.done).toBe('ended');
    expect(f.events.map((e) => e.data)).toEqual(['so far', 'half and rest', 'last']);
  });

  it('stops when asked, without waiting for the end', async () => {
    const path = await castFile(HEADER);
    const controller = new AbortController();
    const f = follow(path, controller.signal);
    await new Promise((r) => setTimeout(r, 30));
    controller.abort();
    expect(await f.done).toBe('stopped');
  });

  it('refuses a damaged recording, naming the line', async () => {
    const path = await castFile(HEADER + line(0.5, 'a') + line(0.2, 'earlier'));
    const f = follow(path);
    await expect(f.done).rejects.toThrow(CastFollowError);
    await expect(f.done).rejects.toThrow(/line 3 has time 0.2, before 0.5/);
    expect(f.events.map((e) => e.data)).toEqual(['a']);
  });
});
