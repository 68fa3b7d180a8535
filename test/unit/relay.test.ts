import type { ClientChannel, ServerChannel } from 'ssh2';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startRelay, type RelayResult } from '../../src/stream/relay.js';
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
  readonly crlf?: boolean;
  readonly tap?: FakeTap;
  readonly beforeExit?: (result: RelayResult) => Promise<void>;
  readonly user?: SinkOptions;
  readonly target?: TargetOptions;
}

/** The one place the relay is built (the channel types are cast here only). */
function relay(c: RelayCase = {}) {
  const user = new FakeUserChannel(c.user);
  const target = new FakeTargetChannel(c.target);
  const seen = { activity: 0, output: '' };
  const r = startRelay(
    user as unknown as ServerChannel,
    target as unknown as ClientChannel,
    {
      onActivity: () => {
        seen.activity += 1;
      },
      onOutput: (d) => {
        seen.output += d.toString('utf8');
      },
      tap: c.tap ?? null,
      ...(c.beforeExit === undefined ? {} : { beforeExit: c.beforeExit }),
    },
    c.crlf ?? true,
  );
  return { user, target, relay: r, seen };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('startRelay: bytes', () => {
  it('passes target stdout and stderr to the user in order, and counts them', async () => {
    const { user, target, relay: r, seen } = relay();
    target.send('out 1, ');
    target.sendStderr('err 1, ');
    target.send('out 2');
    target.sendStderr('err 2');
    await settle();
    expect(user.text).toBe('out 1, out 2');
    expect(user.stderr.text).toBe('err 1, err 2');
    expect(seen.output).toContain('out 1, ');
    expect(seen.output).toContain('err 2');
    expect(seen.activity).toBe(4);
    target.finish(0);
    await expect(r.done).resolves.toEqual({
      exitStatus: 0,
      exitSignal: null,
      bytesOut: 24,
      bytesIn: 0,
    });
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

  it('does not end the user channel at the target EOF alone, only when the target closes', async () => {
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
    expect(user.writableEnded).toBe(true);
  });

  it('forwards window changes and signals; an unknown signal name is ignored', () => {
    const { target, relay: r } = relay({ target: { unknownSignals: ['NOPE'] } });
    r.resize(120, 40, 800, 600);
    r.signal('INT');
    expect(() => r.signal('NOPE')).not.toThrow();
    expect(target.windows).toEqual([[40, 120, 800, 600]]);
    expect(target.signals).toEqual(['INT']);
  });
});

describe('startRelay: exit', () => {
  it.each([
    {
      name: 'an exit status',
      end: (t: FakeTargetChannel) => t.finish(3),
      exits: [{ status: 3 }],
      result: { exitStatus: 3, exitSignal: null },
    },
    {
      name: 'an exit signal',
      end: (t: FakeTargetChannel) => {
        t.exitBySignal('TERM', true, 'terminated');
        t.remoteClose();
      },
      exits: [{ signal: 'TERM', dump: true, desc: 'terminated' }],
      result: { exitStatus: null, exitSignal: 'TERM' },
    },
    {
      name: 'a signal the user channel cannot send (255 instead)',
      refuse: 'RTMIN+3',
      end: (t: FakeTargetChannel) => {
        t.exitBySignal('RTMIN+3');
        t.remoteClose();
      },
      exits: [{ status: 255 }],
      result: { exitStatus: null, exitSignal: 'RTMIN+3' },
    },
    {
      name: 'no exit at all',
      end: (t: FakeTargetChannel) => t.remoteClose(),
      exits: [],
      result: { exitStatus: null, exitSignal: null },
    },
  ])(
    'reports $name to the user before ending the user channel',
    async ({ end, exits, result, ...c }) => {
      const { user, target, relay: r } = relay();
      if ('refuse' in c) user.refusedSignals.add(c.refuse);
      end(target);
      expect(await r.done).toMatchObject(result);
      expect(user.exits).toMatchObject(exits);
      for (const e of user.exits) expect(e.endedBefore).toBe(false);
      expect(user.writableEnded).toBe(true);
    },
  );

  it('closes the target when the user goes away', async () => {
    const { user, target, relay: r } = relay({ target: { answersClose: false } });
    user.hangUp();
    // The relay does not wait for a target that does not answer.
    await expect(r.done).resolves.toMatchObject({ exitStatus: null });
    expect(target.closeCalls).toBe(1);
    expect(user.exits).toEqual([]);
  });
});

describe('startRelay: terminate', () => {
  it.each([
    { crlf: true, text: '\r\ngatehouse: grant #7 has expired; session closed\r\n' },
    { crlf: false, text: 'gatehouse: grant #7 has expired; session closed\n' },
  ])(
    'writes the line on stderr (crlf=$crlf), records it, closes the target and overrides the exit status',
    async ({ crlf, text }) => {
      const tap = new FakeTap();
      const { user, target, relay: r } = relay({ crlf, tap });
      target.sendStderr('warning: ');
      await settle();
      r.terminate('gatehouse: grant #7 has expired; session closed', 124);
      // The target answers the close with its own exit status: ours wins.
      target.exitWith(0);
      const result = await r.done;
      expect(user.stderr.text).toBe(`warning: ${text}`);
      expect(tap.text('stderr')).toBe(`warning: ${text}`);
      expect(target.closeCalls).toBe(1);
      expect(result.exitStatus).toBe(124);
      expect(user.exits).toEqual([
        { status: 124, endedBefore: false, stdoutBefore: '', stderrBefore: `warning: ${text}` },
      ]);
    },
  );

  it('passes no target output after the line, and a second terminate is ignored', async () => {
    const { user, target, relay: r } = relay({ target: { answersClose: false } });
    r.terminate('first', 1);
    r.terminate('second', 2);
    target.send('late output');
    target.sendStderr('late error');
    await settle();
    target.finish(0);
    expect((await r.done).exitStatus).toBe(1);
    expect(user.text).toBe('');
    expect(user.stderr.text).toBe('\r\nfirst\r\n');
    expect(user.exits).toMatchObject([{ status: 1 }]);
  });

  it('does not wait more than a second for a target that ignores the close', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { user, target, relay: r } = relay({ target: { answersClose: false } });
    const done = watch(r.done);
    r.terminate('closed', 9);
    await vi.advanceTimersByTimeAsync(999);
    await settle();
    expect(done.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await settle();
    expect(done.settled).toBe(true);
    expect(user.exits).toMatchObject([{ status: 9 }]);
    expect(target.closeCalls).toBe(1);
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
    expect(user.exits).toMatchObject([{ status: 0, endedBefore: false }]);
  });

  it.each([{ first: 'stdout' as const }, { first: 'stderr' as const }])(
    'sends the exit status only after output still queued for the user was taken ($first taken first)',
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
      expect(user.exits).toEqual([]);
      sinks[first === 'stdout' ? 'stderr' : 'stdout'].drain();
      await r.done;
      expect(user.exits).toEqual([
        { status: 0, endedBefore: false, stdoutBefore: 'tail', stderrBefore: 'err tail' },
      ]);
    },
  );
});

describe('startRelay: beforeExit', () => {
  it('runs with the result after the output was handed over and before the exit status and the end', async () => {
    const calls: { result: RelayResult; exits: number; ended: boolean; text: string }[] = [];
    const made = relay({
      beforeExit: async (result) => {
        calls.push({
          result,
          exits: made.user.exits.length,
          ended: made.user.writableEnded,
          text: made.user.text,
        });
      },
    });
    made.target.send('output');
    made.target.finish(2);
    await made.relay.done;
    expect(calls).toEqual([
      {
        result: { exitStatus: 2, exitSignal: null, bytesOut: 6, bytesIn: 0 },
        exits: 0,
        ended: false,
        text: 'output',
      },
    ]);
    expect(made.user.exits).toMatchObject([{ status: 2 }]);
  });

  it('is waited for at most 10 s', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const {
      user,
      target,
      relay: r,
    } = relay({ beforeExit: () => new Promise<void>(() => undefined) });
    const done = watch(r.done);
    target.finish(0);
    await settle();
    await vi.advanceTimersByTimeAsync(9_999);
    expect(done.settled).toBe(false);
    expect(user.exits).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    await settle();
    expect(done.settled).toBe(true);
    expect(user.exits).toMatchObject([{ status: 0 }]);
  });

  it('a failing beforeExit still lets the exit status through', async () => {
    const {
      user,
      target,
      relay: r,
    } = relay({ beforeExit: () => Promise.reject(new Error('seal failed')) });
    target.finish(5);
    await r.done;
    expect(user.exits).toMatchObject([{ status: 5 }]);
    expect(user.writableEnded).toBe(true);
  });
});
