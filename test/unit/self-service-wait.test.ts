import { describe, expect, it } from 'vitest';
import { statusAt, type AccessRequest } from '../../src/core/access-request.js';
import type { CommandContext } from '../../src/session/self-service/command-context.js';
import type { RequestDesk } from '../../src/session/self-service/request-desk.js';
import { waitForDecision } from '../../src/session/self-service/wait-decision.js';
import { HOUR_MS, T0 } from './core-fixtures.js';

const pending = { id: 12, status: 'pending', expiresAt: T0 + HOUR_MS } as unknown as AccessRequest;

function context(now: () => number, stop: AbortSignal, reads: AccessRequest[]): CommandContext {
  const desk = {
    request: () => Promise.resolve(reads.shift() ?? pending),
  } as unknown as RequestDesk;
  return {
    desk,
    settings: { policy: { rules: [], groups: {} }, profiles: {}, maxGrantMs: HOUR_MS },
    clock: { now },
    to: { userName: 'alice', hostLabel: 'bastion' },
    actor: 'user:alice',
    stop,
    note: () => undefined,
  };
}

describe('waitForDecision', () => {
  it('returns the request once it is decided', async () => {
    const approved = { ...pending, status: 'approved' } as AccessRequest;
    const ctx = context(() => T0, new AbortController().signal, [approved]);
    expect(await waitForDecision(ctx, pending)).toBe(approved);
  });

  it('stops at the deadline even before the expiry sweep marks it', async () => {
    let now = T0;
    const ctx = context(() => now, new AbortController().signal, []);
    const waiting = waitForDecision(ctx, pending);
    now = T0 + HOUR_MS;
    const done = await waiting;
    expect(done === null ? null : statusAt(done, now)).toBe('expired');
  });

  it('returns null when the user stops waiting', async () => {
    const stop = new AbortController();
    const ctx = context(() => T0, stop.signal, []);
    const waiting = waitForDecision(ctx, pending);
    stop.abort();
    expect(await waiting).toBeNull();
  });
});
