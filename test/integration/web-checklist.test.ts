import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchBrowser, type TestBrowser } from '../helpers/browser.js';
import { PASSWORD, REVIEWER, startWebFixture, type WebFixture } from './web-fixture.js';

let fx: WebFixture;
let browser: TestBrowser;
let page: Page;

beforeAll(async () => {
  fx = await startWebFixture();
  browser = await launchBrowser();
  page = browser.context.pages()[0] ?? (await browser.context.newPage());
  await page.goto(`${fx.base}/login`);
  await page.fill('input[name="name"]', REVIEWER);
  await page.fill('input[name="password"]', PASSWORD);
  await Promise.all([page.waitForURL(`${fx.base}/`), page.click('button[type="submit"]')]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await fx?.close();
});

describe.skipIf(!chromiumAvailable())('review page: the checklist on the session page', () => {
  it("shows the grant's confirmed items with their notes (as text) and who confirmed them", async () => {
    await fx.store.targets.add(
      {
        name: 'pg1',
        host: '10.0.0.6',
        port: 22,
        login: 'ops',
        hostKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHostKeyForWebTests',
        requires: ['backup verified', 'rollback plan'],
      },
      'admin',
    );
    const seeded = await fx.seed({
      user: 'carol',
      target: 'pg1',
      startedAt: Date.now() - 60_000,
      steps: [[0.5, 'o', 'carol@pg1:~$ ']],
      confirmations: [
        { item: 'backup verified', note: 'snapshot <b>s3://b/pg1</b>', by: 'os:root' },
        { item: 'rollback plan', note: 'https://wiki.example/CHG-118', by: 'reviewer:rita' },
      ],
    });
    const acknowledged = await fx.store.grants.acknowledgeNda(
      seeded.grantId,
      Date.now(),
      'user:carol',
    );

    await page.goto(`${fx.base}/sessions/${seeded.id}`);
    const items = await page.locator('#checklist li').allInnerTexts();
    expect(items).toEqual([
      'backup verified: snapshot <b>s3://b/pg1</b> (os:root)',
      'rollback plan: https://wiki.example/CHG-118 (reviewer:rita)',
    ]);
    expect(await page.locator('#checklist b').count()).toBe(0);
    expect(acknowledged.ndaScopeSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(await page.content()).toContain(`<code>${acknowledged.ndaScopeSha256}</code>`);
  });

  it('says none were required for a grant to a target without a checklist', async () => {
    await page.goto(`${fx.base}/sessions/${fx.alice.id}`);
    expect(await page.locator('#checklist').innerText()).toMatch(
      /Checklist confirmed\s+None required\./,
    );
  });
});
