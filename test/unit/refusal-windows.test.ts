import { describe, expect, it } from 'vitest';
import type { EpochMs } from '../../src/core/model.js';
import {
  REFUSAL_WINDOW_LIMITS,
  RefusalWindows,
  type NotedRefusal,
} from '../../src/core/refusal-windows.js';

const T0: EpochMs = 1_800_000_000_000;
const limits = { windowMs: 60_000, writtenPerWindow: 2, maxSources: 3, maxLogins: 2 };
const from = (remoteAddr: string, login = 'root'): NotedRefusal => ({
  remoteAddr,
  login,
  reason: 'user.unknown',
});

describe('RefusalWindows', () => {
  it('writes the first refusals of a window, counts the rest and sums them up when it ends', () => {
    const w = new RefusalWindows(limits);
    const writes = [0, 1, 2, 3, 4].map(
      (i) =>
        w.note({ ...from('a', `u${i}`), reason: i === 4 ? 'key.unknown' : 'user.unknown' }, T0 + i)
          .write,
    );
    expect(writes).toEqual([true, true, false, false, false]);
    expect(w.nextCloseAt()).toBe(T0 + 60_000);
    expect(w.closeDue(T0 + 59_999)).toEqual([]);
    expect(w.closeDue(T0 + 60_000)).toEqual([
      {
        remoteAddr: 'a',
        count: 3,
        firstAt: T0 + 2,
        lastAt: T0 + 4,
        reasons: [
          { reason: 'user.unknown', count: 2 },
          { reason: 'key.unknown', count: 1 },
        ],
        logins: ['u2', 'u3'],
        moreLogins: true,
      },
    ]);
    expect(w.size).toBe(0);
    expect(w.note(from('a'), T0 + 60_001).write).toBe(true); // a new window
  });

  it('counts each source on its own, for any user name', () => {
    const w = new RefusalWindows(limits);
    for (const s of ['a', 'a', 'b', 'a', 'b', 'b']) w.note(from(s, `n-${s}`), T0);
    expect(w.closeAll().map((a) => [a.remoteAddr, a.count, a.logins])).toEqual([
      ['a', 1, ['n-a']],
      ['b', 1, ['n-b']],
    ]);
  });

  it('closes a window with nothing counted silently', () => {
    const w = new RefusalWindows(limits);
    w.note(from('a'), T0);
    expect(w.closeDue(T0 + 60_000)).toEqual([]);
    expect(w.closeAll()).toEqual([]);
  });

  it("closes a source's window that ended before its timer fired, on its next refusal", () => {
    const w = new RefusalWindows(limits);
    for (let i = 0; i < 3; i++) w.note(from('a'), T0);
    const next = w.note(from('a'), T0 + 61_000);
    expect(next.write).toBe(true);
    expect(next.closed.map((a) => a.count)).toEqual([1]);
  });

  it('tracks at most maxSources: a new source closes the oldest window early', () => {
    const w = new RefusalWindows(limits);
    for (const s of ['a', 'b', 'c']) for (let i = 0; i < 3; i++) w.note(from(s), T0);
    const r = w.note(from('d'), T0 + 1);
    expect(r.write).toBe(true);
    expect(r.closed.map((a) => a.remoteAddr)).toEqual(['a']);
    expect(w.size).toBe(3);
    expect(w.nextCloseAt()).toBe(T0 + 60_000); // b is the oldest now
  });

  it('keeps memory bounded under 10,000 sources with 100 names each', () => {
    const w = new RefusalWindows();
    let closed = 0;
    for (let s = 0; s < 10_000; s++)
      for (let n = 0; n < 100; n++) closed += w.note(from(`10.0.${s}`, `n${n}`), T0).closed.length;
    expect(w.size).toBe(REFUSAL_WINDOW_LIMITS.maxSources);
    const open = w.closeAll();
    expect(closed + open.length).toBe(10_000);
    for (const a of open) {
      expect(a.logins).toHaveLength(REFUSAL_WINDOW_LIMITS.maxLogins);
      expect(a.moreLogins).toBe(true);
      expect(a.count).toBe(100 - REFUSAL_WINDOW_LIMITS.writtenPerWindow);
    }
  });
});
