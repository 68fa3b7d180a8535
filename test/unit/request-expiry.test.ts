import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import type { AccessRequest } from '../../src/core/access-request.js';
import { systemClock } from '../../src/core/clock.js';
import type { RequestId } from '../../src/core/model.js';
import { RequestExpiry } from '../../src/requests/request-expiry.js';

const HOUR = 3_600_000;

/** `expireDue` as the sweep sees it: each call takes the next planned answer. */
class FakeRequests {
  calls = 0;
  constructor(private readonly answers: (number | 'fail' | Promise<number>)[]) {}

  async expireDue(_now: number, limit: number): Promise<AccessRequest[]> {
    const answer = this.answers[this.calls] ?? 0;
    this.calls += 1;
    if (answer === 'fail') throw new Error('database is locked');
    const count = Math.min(await answer, limit);
    return Array.from({ length: count }, (_, i) => ({ id: (i + 1) as RequestId }) as AccessRequest);
  }
}

function sweepWith(requests: FakeRequests, everyMs: number, batch = 100) {
  const lines: Record<string, unknown>[] = [];
  const logger = pino(
    { level: 'info' },
    { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
  );
  return {
    expiry: new RequestExpiry({ requests, clock: systemClock, logger, everyMs, batch }),
    lines,
  };
}

describe('RequestExpiry: serve’s sweep of pending requests past their deadline', () => {
  it('logs a failed sweep and tries again at the next tick', async () => {
    const requests = new FakeRequests(['fail', 2]);
    const { expiry, lines } = sweepWith(requests, 20);
    expiry.start();
    await vi.waitFor(() => expect(requests.calls).toBeGreaterThanOrEqual(2));
    await expiry.stop();
    expect(lines.map((l) => l['msg'])).toEqual([
      'request expiry sweep failed',
      'pending access requests expired',
    ]);
    expect(lines[0]).toMatchObject({ level: 50, problem: 'database is locked' });
    expect(lines[1]).toMatchObject({ requestIds: [1, 2] });
  });

  it('follows a full batch at once with the next, and waits a tick after a short one', async () => {
    const requests = new FakeRequests([2, 2, 1, 5]);
    const { expiry } = sweepWith(requests, HOUR, 2);
    expiry.start();
    await vi.waitFor(() => expect(requests.calls).toBe(3));
    await new Promise((r) => setTimeout(r, 50));
    expect(requests.calls).toBe(3);
    await expiry.stop();
  });

  it('stop waits for the sweep under way and starts none after it', async () => {
    let finish: (n: number) => void = () => undefined;
    const slow = new Promise<number>((resolve) => (finish = resolve));
    const requests = new FakeRequests([slow]);
    const { expiry } = sweepWith(requests, 10);
    expiry.start();
    await vi.waitFor(() => expect(requests.calls).toBe(1));
    let stopped = false;
    const stopping = expiry.stop().then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 30));
    expect(stopped).toBe(false);
    finish(0);
    await stopping;
    await new Promise((r) => setTimeout(r, 50));
    expect(requests.calls).toBe(1);
  });
});
