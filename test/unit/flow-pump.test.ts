import { describe, expect, it } from 'vitest';
import { startPump } from '../../src/stream/flow-pump.js';
import { FakeSink, FakeSource, settle } from '../helpers/fake-channel.js';

/** The one place the pump is built: a source, a destination and what onChunk saw. */
function pump(
  opts: { endDst?: boolean; highWaterMark?: number; onChunk?: (data: Buffer) => void } = {},
) {
  const src = new FakeSource();
  const dst = new FakeSink({ highWaterMark: opts.highWaterMark ?? 16_384 });
  const seen: string[] = [];
  const p = startPump(
    src,
    dst,
    (data) => {
      seen.push(data.toString('utf8'));
      opts.onChunk?.(data);
    },
    { endDst: opts.endDst ?? false },
  );
  return { src, dst, seen, pump: p };
}

describe('startPump', () => {
  it('passes every chunk on in order and shows each to onChunk first', async () => {
    const { src, dst, seen } = pump();
    for (const c of ['one ', 'two ', 'three']) src.send(c);
    await settle();
    src.send('!');
    await settle();
    expect(dst.text).toBe('one two three!');
    expect(seen).toEqual(['one ', 'two ', 'three', '!']);
  });

  it('makes a source that was paused before it flow', async () => {
    const src = new FakeSource();
    src.pause();
    src.send('typed before the relay started');
    const dst = new FakeSink();
    startPump(src, dst, () => undefined, { endDst: false });
    await settle();
    expect(dst.text).toBe('typed before the relay started');
  });

  it('pauses the source while the destination is full and resumes it on drain', async () => {
    const { src, dst } = pump({ highWaterMark: 2 });
    dst.block();
    for (const c of ['aa', 'bb', 'cc', 'dd']) src.send(c);
    await settle();
    // 'aa' filled the destination: nothing more was read.
    expect(src.chunksRead).toBe(1);
    expect(src.isPaused()).toBe(true);
    dst.drain();
    await settle();
    expect(dst.text).toBe('aabbccdd');
    expect(src.isPaused()).toBe(false);
  });

  it('holds for the tap until released', async () => {
    const { src, dst, seen, pump: p } = pump();
    src.send('a');
    await settle();
    p.hold('tap');
    src.send('b');
    src.send('c');
    await settle();
    expect(dst.text).toBe('a');
    expect(seen).toEqual(['a']);
    p.release('tap');
    await settle();
    expect(dst.text).toBe('abc');
  });

  it.each([
    { hold: 'dst' as const, name: 'the destination fills up' },
    { hold: 'tap' as const, name: 'onChunk sets the tap hold' },
  ])('passes at most the current chunk on after $name', async ({ hold }) => {
    let p: ReturnType<typeof startPump> | null = null;
    const onChunk = hold === 'tap' ? () => p?.hold('tap') : undefined;
    const made = pump({ highWaterMark: 1, ...(onChunk === undefined ? {} : { onChunk }) });
    p = made.pump;
    if (hold === 'dst') made.dst.block();
    for (const c of ['1', '2', '3', '4', '5']) made.src.send(c);
    await settle();
    expect(made.src.chunksRead).toBe(1);
    expect(made.seen).toEqual(['1']);
  });

  it.each([{ order: ['tap', 'dst'] as const }, { order: ['dst', 'tap'] as const }])(
    'with both holds set, resumes only after both are released (released $order.0 first)',
    async ({ order }) => {
      const { src, dst, pump: p } = pump({ highWaterMark: 1 });
      dst.block();
      p.hold('tap');
      src.send('1');
      src.send('2');
      await settle();
      // The tap hold came first: nothing was read.
      expect(src.chunksRead).toBe(0);
      p.release('tap');
      await settle();
      // '1' filled the destination.
      expect(src.chunksRead).toBe(1);
      p.hold('tap');
      const release = { tap: () => p.release('tap'), dst: () => dst.drain() };
      release[order[0]]();
      await settle();
      expect(src.chunksRead).toBe(1);
      expect(src.isPaused()).toBe(true);
      release[order[1]]();
      await settle();
      expect(src.chunksRead).toBe(2);
      expect(dst.text).toBe('12');
    },
  );

  it.each([
    { endDst: true, ended: true },
    { endDst: false, ended: false },
  ])(
    'ends the destination at the source end only with endDst=$endDst',
    async ({ endDst, ended }) => {
      const { src, dst } = pump({ endDst });
      src.send('last');
      src.sendEnd();
      await settle();
      expect(dst.text).toBe('last');
      expect(dst.writableEnded).toBe(ended);
    },
  );

  it('after stop() passes nothing on, shows nothing to onChunk, does not end the destination, and keeps the source flowing', async () => {
    const { src, dst, seen, pump: p } = pump({ endDst: true });
    src.send('before');
    await settle();
    p.hold('tap');
    p.stop();
    src.send('after');
    src.sendEnd();
    await settle();
    expect(dst.text).toBe('before');
    expect(seen).toEqual(['before']);
    // Read and discarded, so the channel can drain and close.
    expect(src.chunksRead).toBe(2);
    expect(src.readableEnded).toBe(true);
    expect(dst.writableEnded).toBe(false);
    // Holds after stop() do not pause it again.
    p.hold('tap');
    expect(src.isPaused()).toBe(false);
  });

  it('does not pass on the chunk whose onChunk stopped it (a recording that refused it)', async () => {
    let stop: () => void = () => undefined;
    const { src, dst, seen, pump: p } = pump({ onChunk: (d) => d.toString() === 'over' && stop() });
    stop = () => p.stop();
    src.send('under');
    await settle();
    src.send('over');
    await settle();
    expect(seen).toEqual(['under', 'over']);
    expect(dst.text).toBe('under');
  });

  it('releases the destination hold when the destination closes, so the source can end', async () => {
    const { src, dst, seen } = pump({ highWaterMark: 1, endDst: true });
    dst.block();
    src.send('1');
    src.send('2');
    await settle();
    expect(src.isPaused()).toBe(true);
    dst.destroy();
    src.sendEnd();
    await settle();
    expect(src.isPaused()).toBe(false);
    expect(src.readableEnded).toBe(true);
    expect(seen).toEqual(['1', '2']);
  });

  it('a closed destination does not release a tap hold', async () => {
    const { src, dst, pump: p } = pump();
    p.hold('tap');
    src.send('1');
    dst.destroy();
    await settle();
    expect(src.chunksRead).toBe(0);
    p.release('tap');
    await settle();
    expect(src.chunksRead).toBe(1);
  });
});
