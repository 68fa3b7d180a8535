import { afterEach, describe, expect, it, vi } from 'vitest';
import { startRelay } from '../../src/stream/relay.js';
import type { SessionTap, TapSeal, TapStream } from '../../src/session/ports.js';
import {
  FakeTargetChannel,
  FakeUserChannel,
  settle,
  watch,
  type SinkOptions,
  type TargetOptions,
} from '../helpers/fake-channel.js';

/** A recorder as the relay sees it; `backedUp` makes output()/input() answer false. */
class FakeTap implements SessionTap {
  readonly relativePath = '2026/11/15/test.cast';
  readonly recorded: { stream: TapStream | 'input'; text: string }[] = [];
  backedUp = false;
  private readonly drainListeners: (() => void)[] = [];

  output(data: Buffer, stream: TapStream): boolean {
    this.recorded.push({ stream, text: data.toString('utf8') });
    return !this.backedUp;
  }

  input(data: Buffer): boolean {
    this.recorded.push({ stream: 'input', text: data.toString('utf8') });
    return !this.backedUp;
  }

  resize(): void {}
  marker(): void {}
  onFailure(): void {}

  onDrain(listener: () => void): void {
    this.drainListeners.push(listener);
  }

  drain(): void {
    this.backedUp = false;
    for (const l of this.drainListeners) l();
  }

  close(): Promise<TapSeal> {
    return Promise.reject(new Error('not used by the relay'));
  }

  text(stream: TapStream | 'input'): string {
    return this.recorded
      .filter((r) => r.stream === stream)
      .map((r) => r.text)
      .join('');
  }
}

interface RelayCase {
  readonly tap?: FakeTap;
  readonly user?: SinkOptions;
  readonly target?: TargetOptions;
}

/** The one place the relay is built (the channel types are cast here only). */
function relay(c: RelayCase = {}) {
  const user = new FakeUserChannel(c.user);
  const target = new FakeTargetChannel(c.target);
  const seen = { activity: 0, output: '' };
  const tap = c.tap ?? new FakeTap();
  const r = startRelay(user, target, tap, () => {
    seen.activity += 1;
  });
  return { user, target, relay: r, seen };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('startRelay: bytes', () => {
  it('passes target stdout and stderr to the user in order, and counts them', async () => {
    const tap = new FakeTap();
    const { user, target, relay: r, seen } = relay({ tap });
    target.send('out 1, ');
    target.sendStderr('err 1, ');
    target.send('out 2');
    target.sendStderr('err 2');
    await settle();
    expect(user.text).toBe('out 1, out 2');
    expect(user.stderr.text).toBe('err 1, err 2');
    expect(tap.text('stdout')).toBe('out 1, out 2');
    expect(tap.text('stderr')).toBe('err 1, err 2');
    expect(seen.activity).toBe(4);
    target.finish(0);
    await expect(r.done).resolves.toEqual({ bytesOut: 24, bytesIn: 0 });
  });

  it('passes user input to the target and forwards the user EOF', async () => {
    const { user, target, relay: r } = relay();
    user.type('ls -l\r');
    user.type('exit\r');
    await settle();
    expect(target.inputText).toBe('ls -l\rexit\r');
    expect(target.inputEnded).toBe(false);
    user.sendEof();
    await settle();
    expect(target.inputEnded).toBe(true);
    target.finish(0);
    expect((await r.done).bytesIn).toBe(11);
  });

  it('is done when the target closes, not at its EOF alone; the user channel is left to the session', async () => {
    const { user, target, relay: r } = relay();
    const done = watch(r.done);
    target.send('bye');
    target.push(null);
    target.stderr.sendEnd();
    await settle();
    expect(user.writableEnded).toBe(false);
    expect(done.settled).toBe(false);
    target.emit('close');
    await r.done;
    expect(user.text).toBe('bye');
    expect(user.writableEnded).toBe(false);
  });
});

describe('startRelay: backpressure', () => {
  it('pauses both output streams while the tap is backed up, until it drains', async () => {
    const tap = new FakeTap();
    const { user, target } = relay({ tap });
    tap.backedUp = true;
    target.send('1');
    await settle();
    target.send('2');
    target.sendStderr('e');
    await settle();
    // '1' got through (at most one chunk after a hold); stdout and stderr then wait.
    expect(user.text).toBe('1');
    expect(user.stderr.text).toBe('');
    tap.drain();
    await settle();
    expect(user.text).toBe('12');
    expect(user.stderr.text).toBe('e');
    expect(tap.text('stdout')).toBe('12');
    expect(tap.text('stderr')).toBe('e');
  });

  it('pauses user input while the tap is backed up, until it drains', async () => {
    const tap = new FakeTap();
    const { user, target } = relay({ tap });
    tap.backedUp = true;
    user.type('a');
    await settle();
    user.type('b');
    await settle();
    expect(target.inputText).toBe('a');
    tap.drain();
    await settle();
    expect(target.inputText).toBe('ab');
    expect(tap.text('input')).toBe('ab');
  });

  it('resolves done only when both target streams are read to their end: nothing buffered is lost', async () => {
    const { user, target, relay: r } = relay({ user: { highWaterMark: 4 } });
    user.block();
    user.stderr.block();
    const out = ['stdout-1 ', 'stdout-2 ', 'stdout-3'];
    const err = ['stderr-1 ', 'stderr-2 ', 'stderr-3'];
    for (let i = 0; i < 3; i++) {
      target.send(out[i]!);
      target.sendStderr(err[i]!);
    }
    // ssh2 style: the target is closed while most of its output is still unread.
    target.finish(0);
    const done = watch(r.done);
    await settle();
    expect(done.settled).toBe(false);
    expect(user.exits).toEqual([]);
    user.stderr.drain();
    await settle();
    expect(done.settled).toBe(false);
    user.drain();
    const result = await r.done;
    expect(user.text).toBe(out.join(''));
    expect(user.stderr.text).toBe(err.join(''));
    expect(result.bytesOut).toBe(out.join('').length + err.join('').length);
    expect(user.exits).toEqual([]);
  });

  it.each([{ first: 'stdout' as const }, { first: 'stderr' as const }])(
    'is done only after output still queued for the user was taken ($first taken first)',
    async ({ first }) => {
      const { user, target, relay: r } = relay();
      // Below the high-water mark: the target is not paused and ends at once, the bytes wait.
      user.block();
      user.stderr.block();
      target.send('tail');
      target.sendStderr('err tail');
      target.finish(0);
      const done = watch(r.done);
      await settle();
      expect(done.settled).toBe(false);
      const sinks = { stdout: user, stderr: user.stderr };
      sinks[first].drain();
      await settle();
      expect(done.settled).toBe(false);
      sinks[first === 'stdout' ? 'stderr' : 'stdout'].drain();
      await r.done;
      expect(user.text).toBe('tail');
      expect(user.stderr.text).toBe('err tail');
    },
  );
});
