/**
 * The approver's loop in headless Chromium (issue 14): log in, see a pending request, approve or
 * deny it through the page's forms; roles keep each account to its pages; a post without the
 * form token and a self-approval are refused and change nothing.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchBrowser, type TestBrowser } from '../helpers/browser.js';
import { PASSWORD, REVIEWER, startWebFixture, type WebFixture } from './web-fixture.js';
import { REQUEST_RULES, addAccounts, fileRequest } from './web-requests-fixture.js';

let fx: WebFixture;
let browser: TestBrowser;
let page: Page;
const problems: string[] = [];

beforeAll(async () => {
  fx = await startWebFixture({ requestRules: () => REQUEST_RULES });
  await addAccounts(fx.store);
  browser = await launchBrowser();
  page = browser.context.pages()[0] ?? (await browser.context.newPage());
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    // The refusals these tests provoke are logged by the browser as failed loads, and a plain
    // text refusal makes it ask for /favicon.ico (404).
    const refusal = /status of (401|403|409)/.test(msg.text());
    const favicon = msg.location().url.endsWith('/favicon.ico');
    if (msg.type() === 'error' && !refusal && !favicon) problems.push(`console: ${msg.text()}`);
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await fx?.close();
});

async function logInAs(name: string): Promise<void> {
  await browser.context.clearCookies();
  await page.goto(`${fx.base}/login`);
  await page.fill('input[name="name"]', name);
  await page.fill('input[name="password"]', PASSWORD);
  await Promise.all([page.waitForURL(/\/(requests)?$/), page.click('button[type="submit"]')]);
}

const alertText = () => page.locator('[role="alert"]').innerText();

describe.skipIf(!chromiumAvailable())('access requests in headless Chromium', () => {
  it('an approver sees a pending request and approves it with a note: the grant exists, linked; the chain reads created → approved → grant.create', async () => {
    const filed = await fileRequest(fx.store, { reason: 'INC-4211 slow queries' });
    await logInAs('ann');
    expect(page.url()).toBe(`${fx.base}/requests`);
    const row = page.locator('#pending tr', { hasText: 'INC-4211 slow queries' });
    expect(await row.innerText()).toMatch(
      /alice\s+db1\s+shell\s+none\s+2h\s+INC-4211 slow queries\s+0 of 1/,
    );
    await Promise.all([
      page.waitForURL(`${fx.base}/requests/${filed.id}`),
      row.locator(`a[href="/requests/${filed.id}"]`).click(),
    ]);
    await page.fill('#approve input[name="note"]', 'checked with the on-call DBA');
    await Promise.all([
      page.waitForURL(`${fx.base}/requests/${filed.id}`),
      page.click('#approve button[type="submit"]'),
    ]);
    expect(await page.locator('#status').innerText()).toBe('approved');
    const grantId = Number(await page.locator('#grant').innerText());
    const history = await page.locator('#history').innerText();
    expect(history).toContain('approved by ann (1 of 1): checked with the on-call DBA');
    expect(history).toContain(`grant ${grantId} created`);
    expect(await page.locator('#approve').count()).toBe(0);

    expect(await fx.store.grants.get(grantId as never)).toMatchObject({
      requestId: filed.id,
      userId: filed.userId,
      createdBy: 'reviewer:ann',
    });
    const chain = await fx.store.audit.list({ requestId: filed.id });
    expect(chain.map((e) => [e.type, e.actor])).toEqual([
      ['request.created', 'user:alice'],
      ['request.approved', 'reviewer:ann'],
      ['grant.create', 'reviewer:ann'],
    ]);
    expect(chain[1]?.payload).toMatchObject({ note: 'checked with the on-call DBA' });
    expect(chain[2]?.payload).toMatchObject({ grantId, requestId: filed.id, approvers: ['ann'] });
    expect(chain[0]!.seq).toBeLessThan(chain[1]!.seq);
    expect(chain[1]!.seq).toBeLessThan(chain[2]!.seq);
  });

  it('denies with a reason', async () => {
    const filed = await fileRequest(fx.store, { userName: 'bob', targetName: 'web2' });
    await page.goto(`${fx.base}/requests/${filed.id}`);
    await page.fill('#deny input[name="reason"]', 'not during the change freeze');
    await Promise.all([
      page.waitForURL(`${fx.base}/requests/${filed.id}`),
      page.click('#deny button[type="submit"]'),
    ]);
    expect(await page.locator('#status').innerText()).toBe('denied');
    expect(await page.locator('#history').innerText()).toContain(
      'denied by ann: not during the change freeze',
    );
    expect(await fx.store.requests.get(filed.id)).toMatchObject({
      status: 'denied',
      grantId: null,
    });
  });

  it('refuses a post without the form token (fetch from the page, or the field removed) and writes nothing', async () => {
    const filed = await fileRequest(fx.store, { targetName: 'db7' });
    await page.goto(`${fx.base}/requests/${filed.id}`);
    const before = (await fx.store.audit.head())?.seq;
    const status = await page.evaluate(async (url) => {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'note=via+fetch',
      });
      return res.status;
    }, `/requests/${filed.id}/approve`);
    expect(status).toBe(403);
    // (The tests' TypeScript has no DOM types: the element is typed by what is used.)
    await page
      .locator('#approve input[name="csrf"]')
      .evaluate((input) => (input as unknown as { remove(): void }).remove());
    const [response] = await Promise.all([
      page.waitForResponse(`${fx.base}/requests/${filed.id}/approve`),
      page.click('#approve button[type="submit"]'),
    ]);
    expect(response.status()).toBe(403);
    expect((await fx.store.audit.head())?.seq).toBe(before);
    expect((await fx.store.requests.get(filed.id))?.status).toBe('pending');
    expect((await fx.store.grants.list()).filter((g) => g.requestId === filed.id)).toEqual([]);
  });

  it('refuses self-approval on the page, as one line, changing nothing', async () => {
    const filed = await fileRequest(fx.store, { targetName: 'db8' });
    await logInAs('alice');
    await page.goto(`${fx.base}/requests/${filed.id}`);
    const before = (await fx.store.audit.head())?.seq;
    await page.fill('#approve input[name="note"]', 'my own, trust me');
    await Promise.all([
      page.waitForResponse(`${fx.base}/requests/${filed.id}/approve`),
      page.click('#approve button[type="submit"]'),
    ]);
    expect(await alertText()).toBe('request: alice cannot decide their own request');
    expect(await page.locator('#status').innerText()).toBe('pending');
    expect((await fx.store.audit.head())?.seq).toBe(before);
  });

  it('keeps each account to its role: a reviewer gets 403 on /requests, an approver 403 on a session', async () => {
    await logInAs(REVIEWER);
    const requests = await page.goto(`${fx.base}/requests`);
    expect(requests?.status()).toBe(403);
    expect(await page.locator('h1').innerText()).toBe('Forbidden');
    expect(await page.locator('nav a[href="/requests"]').count()).toBe(0);
    expect(await page.locator('nav a[href="/"]').count()).toBe(1);

    await logInAs('ann');
    const session = await page.goto(`${fx.base}/sessions/${fx.alice.id}`);
    expect(session?.status()).toBe(403);
    expect(await page.content()).not.toContain('needle');
    expect(await page.locator('nav a[href="/"]').count()).toBe(0);
    expect(await page.locator('nav input[name="q"]').count()).toBe(0);
    expect(await page.locator('nav a[href="/requests"]').count()).toBe(1);
  });

  it('logs out through the nav (the logout form carries the token)', async () => {
    await Promise.all([
      page.waitForURL(`${fx.base}/login`),
      page.click('nav button[type="submit"]'),
    ]);
    expect((await page.goto(`${fx.base}/requests`))?.status()).toBe(401);
  });

  it('ran without script errors or CSP refusals', () => {
    expect(problems).toEqual([]);
  });
});
