import { describe, expect, it } from 'vitest';
import type { Target, TargetId } from '../../src/core/model.js';
import { DEFAULT_PROGRAM_LIMITS } from '../helpers/run-as.js';
import { checkTargets, TARGET_TIMEOUT_MS, type Scanner } from '../../src/doctor/target-checks.js';

const target = (i: number): Target => ({
  id: i as TargetId,
  name: `t${i}`,
  host: '192.0.2.1',
  port: 22,
  login: 'ops',
  hostKey: null,
  createdAt: 0,
  requires: [],
});

describe('checkTargets', () => {
  it('scans concurrently, never more than the bound at once, with the 5 s timeout, results in target order', async () => {
    let live = 0;
    let peak = 0;
    const timeouts = new Set<number>();
    const scan: Scanner = async (_host, _port, timeoutMs) => {
      timeouts.add(timeoutMs);
      live += 1;
      peak = Math.max(peak, live);
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 10));
      live -= 1;
      return { ok: false, message: 'no answer' };
    };
    const targets = Array.from({ length: 30 }, (_, i) => target(i + 1));
    const results = await checkTargets(targets, {
      scan,
      limit: 4,
      programLimits: DEFAULT_PROGRAM_LIMITS,
    });
    expect(peak).toBe(4);
    expect([...timeouts]).toEqual([TARGET_TIMEOUT_MS]);
    expect(TARGET_TIMEOUT_MS).toBe(5000);
    expect(results.map((r) => r.check)).toEqual(targets.map((t) => `target ${t.name}`));
    expect(results.every((r) => !r.ok)).toBe(true);
  });

  it('says so when there are no targets', async () => {
    expect(await checkTargets([], { programLimits: DEFAULT_PROGRAM_LIMITS })).toEqual([
      { check: 'targets', ok: true, detail: 'none registered' },
    ]);
  });
});
