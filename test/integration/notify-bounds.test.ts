/**
 * Webhook notifications stay bounded and keep their secrets: at most `concurrency` POSTs at
 * once, log lines name a webhook by its origin only (a Slack URL's path is its token), and a
 * webhook removed from the config gets nothing more.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { createRootLogger } from '../../src/logging/logger.js';
import { eventually } from '../helpers/eventually.js';
import { FAST, metric, notifyYaml, SECRET, useNotifyFixture } from './notify-fixture.js';

const notify = useNotifyFixture();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('webhook delivery bounds', () => {
  it('sends at most `concurrency` messages at once to a receiver that holds them', async () => {
    const hook = await notify.receiver();
    hook.answer = () => null;
    const b = await notify.bastion(notifyYaml([{ url: hook.url, format: 'json' }]), {
      ...FAST,
      concurrency: 2,
      timeoutMs: 20_000,
    });
    for (const name of ['alice', 'bob', 'carol']) await b.userWithGrant(name); // 3 grant.create
    await eventually(
      async () => hook.held(),
      (n) => n >= 2,
    );
    await sleep(1000); // the third is queued and due: it would have been sent by now
    expect(hook.held()).toBe(2);
    expect(hook.requests).toHaveLength(2);
  });

  it('logs a failed attempt with the webhook origin, never its path, query or secret', async () => {
    const hook = await notify.receiver('/services/T0/B0/path-token-4711?key=query-token-0815');
    hook.answer = () => 503;
    const lines: string[] = [];
    const logger = createRootLogger({
      level: 'debug',
      destination: { write: (line: string) => void lines.push(line) },
    });
    const b = await notify.bastion(
      notifyYaml([{ url: hook.url, format: 'slack' }]),
      { ...FAST, retry: { ...FAST.retry!, maxAttempts: 2 } },
      logger,
    );
    await b.userWithGrant('alice');
    const gaveUp = await eventually(
      async () => lines.filter((l) => l.includes('notification not delivered; gave up')),
      (found) => found.length > 0,
    );
    expect(JSON.parse(gaveUp[0] ?? '{}')).toMatchObject({
      webhook: new URL(hook.url).origin,
      event: 'grant.create',
      attempt: 2,
      problem: 'HTTP 503',
      gaveUp: 'attempts',
    });
    expect(lines.some((l) => l.includes('notification not delivered; will retry'))).toBe(true);
    const all = lines.join('\n');
    for (const secret of ['path-token-4711', 'query-token-0815', SECRET])
      expect(all).not.toContain(secret);
  });

  it('a webhook removed by a reload gets nothing more: its queued message is dropped as failed', async () => {
    const hook = await notify.receiver();
    hook.answer = () => 503;
    const b = await notify.bastion(notifyYaml([{ url: hook.url, format: 'json' }]), {
      ...FAST,
      retry: { ...FAST.retry!, firstDelayMs: 4000, maxDelayMs: 4000 },
    });
    await b.userWithGrant('alice');
    await eventually(
      async () => hook.requests.length,
      (n) => n > 0,
    );
    await writeFile(
      b.configPath,
      (await readFile(b.configPath, 'utf8')).replace(/notify:[^]*$/, ''),
    );
    b.running.reload(await loadConfig(b.configPath, {}, b.dir));

    const failed = await eventually(
      () => metric(b, 'gatehouse_notifications_total{result="failed"}'),
      (v) => v === 1,
    );
    expect(failed).toBe(1);
    expect(await metric(b, 'gatehouse_notifications_pending')).toBe(0);
    expect(hook.requests).toHaveLength(1);
  });
});
