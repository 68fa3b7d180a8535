/**
 * The review page of a pruned recording and of one on legal hold (issue 17, docs/retention.md):
 * the page says so, the player and the .cast download are gone, the verification names the
 * chain's `recording.pruned`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isoTime } from '../../src/core/timestamp.js';
import { pruneRecordings } from '../../src/retention/prune-recordings.js';
import { login, raw, startWebFixture, type WebFixture } from './web-fixture.js';

const DAY = 86_400_000;

let fx: WebFixture;
let cookie: string;

beforeAll(async () => {
  fx = await startWebFixture();
  cookie = await login(fx.base);
  await fx.store.retention.hold(fx.alice.id, 'LIT-2291 <discovery>', 'os:root');
  const later = Date.now() + 400 * DAY;
  for await (const step of pruneRecordings({
    store: fx.store,
    recordingsDir: fx.recordingsDir,
    clock: { now: () => later },
    retentionMs: 365 * DAY,
    actor: 'os:root',
  }))
    expect(step.status).toBe('pruned');
});
afterAll(async () => {
  await fx.close();
});

const get = (path: string) => raw(fx.base, 'GET', path, { Cookie: cookie });

describe('the review page under retention', () => {
  it("a pruned session's page says so, and its .cast is gone", async () => {
    const page = await get(`/sessions/${fx.bob.id}`);
    expect(page.status).toBe(200);
    // Marked pruned at the store's clock: now.
    const at = isoTime((await fx.store.sessions.get(fx.bob.id))?.recordingPrunedAt);
    expect(page.body).toContain(`the recording of ${fx.bob.id} was pruned ${at} by retention`);
    expect(page.body).toContain(`<span id="recording-state">recording pruned ${at}</span>`);
    expect(page.body).toMatch(
      /id="recording-status">Recording pruned .* by retention \(audit seq \d+\)/,
    );
    expect(page.body).not.toContain('id="player"');
    expect((await get(`/sessions/${fx.bob.id}.cast`)).status).toBe(404);
  });

  it("a held session's page shows the hold's reason, escaped, and still plays", async () => {
    const page = await get(`/sessions/${fx.alice.id}`);
    expect(page.body).toContain(
      '<span id="recording-state">on legal hold: LIT-2291 &lt;discovery&gt;</span>',
    );
    expect(page.body).toContain('id="player"');
    expect((await get(`/sessions/${fx.alice.id}.cast`)).status).toBe(200);
  });
});
