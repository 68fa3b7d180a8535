/**
 * `gatehouse serve` with `recordings.retention` prunes on its own: at start, then once a day
 * (shortened here, with the clock moved on), as actor `gatehouse` (docs/retention.md).
 */
import { stat } from 'node:fs/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import type { SessionId } from '../../src/core/model.js';
import { silentLogger } from '../../src/logging/logger.js';
import { startGatehouse } from '../../src/main.js';
import { eventually } from '../helpers/eventually.js';
import { makeBench, T0, type Bench } from './replay-fixture.js';

const DAY = 86_400_000;

let b: Bench;
beforeAll(async () => {
  b = await makeBench();
});
afterAll(async () => {
  await b.close();
});

const ended = (daysAgo: number) => ({
  startedAt: T0 - daysAgo * DAY - 60_000,
  endedAt: T0 - daysAgo * DAY,
});

const exists = (file: string) =>
  stat(file).then(
    () => true,
    () => false,
  );

async function pruned(): Promise<{ sessionId: unknown; actor: string }[]> {
  return (await b.store.audit.list({ type: 'recording.pruned' })).map((e) => ({
    sessionId: e.payload['sessionId'],
    actor: e.actor,
  }));
}

it('prunes at start and again a day later, as gatehouse; a recent recording stays', async () => {
  const steps = [{ at: 10, out: 'uptime\r\n' }];
  const { alice } = b.grants;
  const due: SessionId = await b.record({ grant: alice, steps, ...ended(400) });
  const dueLater: SessionId = await b.record({ grant: alice, steps, ...ended(300) });
  const recent: SessionId = await b.record({ grant: alice, steps, ...ended(10) });
  const loaded = await loadConfig(b.cli.configPath, {}, b.cli.dir);
  const config = { ...loaded, recordings: { ...loaded.recordings, retentionMs: 365 * DAY } };
  let now = T0;
  const serve = await startGatehouse(config, {
    port: 0,
    logger: silentLogger(),
    clock: { now: () => now },
    pruneEveryMs: 200,
  });
  try {
    const atStart = await eventually(pruned, (p) => p.length > 0);
    expect(atStart).toEqual([{ sessionId: due, actor: 'gatehouse' }]);
    expect(await exists(await b.castPath(due))).toBe(false);
    expect(await exists(await b.castPath(dueLater))).toBe(true);

    now = T0 + 100 * DAY;
    const dayLater = await eventually(pruned, (p) => p.length > 1);
    expect(dayLater).toEqual([
      { sessionId: due, actor: 'gatehouse' },
      { sessionId: dueLater, actor: 'gatehouse' },
    ]);
    expect(await exists(await b.castPath(dueLater))).toBe(false);
    expect(await exists(await b.castPath(recent))).toBe(true);
  } finally {
    await serve.stop();
  }
  expect((await b.store.audit.verify()).ok).toBe(true);
});
