import type { EpochMs } from './model.js';

/** The only source of time for domain code (DESIGN.md §7). */
export interface Clock {
  now(): EpochMs;
}

export const systemClock: Clock = { now: () => Date.now() };

export function fixedClock(
  at: EpochMs,
): Clock & { set(t: EpochMs): void; advance(ms: number): void } {
  let t = at;
  return {
    now: () => t,
    set: (v) => {
      t = v;
    },
    advance: (ms) => {
      t += ms;
    },
  };
}
