import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/logging/logger.js';
import { UploadQueue } from '../../src/recording-s3/upload-queue.js';
import { T0 } from './core-fixtures.js';

/** An upload whose outcome the test decides: each call waits until settled by name. */
function controlledUploads(): {
  readonly upload: (path: string, signal: AbortSignal) => Promise<void>;
  readonly running: string[];
  readonly signals: AbortSignal[];
  settle(path: string, problem?: string): Promise<void>;
} {
  const waiting = new Map<string, { resolve(): void; reject(e: Error): void }>();
  const running: string[] = [];
  const signals: AbortSignal[] = [];
  return {
    running,
    signals,
    upload: (path, signal) =>
      new Promise<void>((resolve, reject) => {
        running.push(path);
        signals.push(signal);
        waiting.set(path, { resolve, reject });
      }).finally(() => running.splice(running.indexOf(path), 1)),
    async settle(path, problem) {
      const w = waiting.get(path);
      if (w === undefined) throw new Error(`${path} is not running`);
      waiting.delete(path);
      if (problem === undefined) w.resolve();
      else w.reject(new Error(problem));
      await vi.advanceTimersByTimeAsync(0);
    },
  };
}

describe('UploadQueue', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] }));
  afterEach(() => vi.useRealTimers());

  it('runs at most `concurrency` uploads at once, each path once however often it is added', async () => {
    const u = controlledUploads();
    const q = new UploadQueue(u.upload, {
      concurrency: 2,
      clock: fixedClock(T0),
      logger: silentLogger(),
    });
    for (const p of ['a', 'b', 'a', 'c']) q.add(p);
    expect(u.running).toEqual(['a', 'b']);
    expect(q.size).toBe(3);
    await u.settle('a');
    expect(u.running).toEqual(['b', 'c']);
    await u.settle('b');
    await u.settle('c');
    expect(q.size).toBe(0);
  });

  it('retries a failed upload with backoff until it succeeds; health fails from the first failure until a success', async () => {
    const u = controlledUploads();
    const clock = fixedClock(T0);
    const q = new UploadQueue(u.upload, { concurrency: 2, clock, logger: silentLogger() });
    q.add('a');
    await u.settle('a', 'connect ECONNREFUSED');
    expect(q.health).toEqual({ failingSince: T0, lastProblem: 'connect ECONNREFUSED' });
    expect(u.running).toEqual([]);
    await vi.advanceTimersByTimeAsync(1000); // the first retry: at most 1 s later
    expect(u.running).toEqual(['a']);
    clock.advance(1000);
    await u.settle('a', 'socket hang up');
    expect(q.health).toEqual({ failingSince: T0, lastProblem: 'socket hang up' });
    await vi.advanceTimersByTimeAsync(2000);
    await u.settle('a');
    expect(q.health).toEqual({ failingSince: null, lastProblem: null });
    expect(q.size).toBe(0);
  });

  it('close aborts running uploads and drops retries (the spool keeps them for the next start)', async () => {
    const u = controlledUploads();
    const q = new UploadQueue(u.upload, {
      concurrency: 1,
      clock: fixedClock(T0),
      logger: silentLogger(),
    });
    q.add('a');
    q.add('b');
    const closed = q.close();
    expect(u.signals[0]?.aborted).toBe(true);
    await u.settle('a', 'aborted');
    await closed;
    await vi.advanceTimersByTimeAsync(120_000);
    expect(u.running).toEqual([]);
    q.add('c');
    expect(u.running).toEqual([]);
  });
});
