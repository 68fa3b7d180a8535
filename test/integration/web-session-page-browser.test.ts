/**
 * The session page as a reviewer uses it (issue 15), in headless Chromium: a session link opened
 * while logged out comes back after login; the player's controls are in view, it skips idle time
 * while the page's times stay recording times, speed and idle limit change at the same moment;
 * audit events read as fields; at 390 px wide nothing scrolls sideways and "Log out" shows.
 */
import { mkdir, readFile, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchBrowser, type TestBrowser } from '../helpers/browser.js';
import { PASSWORD, REVIEWER, startWebFixture, type WebFixture } from './web-fixture.js';

const NARROW_SCREENSHOT = resolve('test-results/review-session-390.png');

let fx: WebFixture;
let browser: TestBrowser;
let page: Page;
const problems: string[] = [];

beforeAll(async () => {
  fx = await startWebFixture();
  browser = await launchBrowser();
  page = browser.context.pages()[0] ?? (await browser.context.newPage());
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !/401 \(Unauthorized\)/.test(msg.text())) {
      problems.push(`console: ${msg.text()}`);
    }
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await fx?.close();
});

const terminalText = (): Promise<string> => page.locator('.ap-term .ap-term-text').innerText();

async function playerReady(p: Page): Promise<void> {
  await p.locator('.ap-player').waitFor({ state: 'visible', timeout: 30_000 });
  await p.locator('.ap-term').waitFor({ state: 'visible', timeout: 30_000 });
}

describe.skipIf(!chromiumAvailable())('the session page in headless Chromium', () => {
  it('a session link opened while logged out comes back after login', async () => {
    const url = `${fx.base}/sessions/${fx.alice.id}`;
    const res = await page.goto(url);
    expect(res?.status()).toBe(401);
    await page.fill('input[name="name"]', REVIEWER);
    await page.fill('input[name="password"]', PASSWORD);
    await Promise.all([page.waitForURL(url), page.click('button[type="submit"]')]);
    await playerReady(page);
    expect(await page.locator('h1').innerText()).toContain('alice@db1');
  });

  it("shows the player's controls in view, and its speed and idle settings", async () => {
    const bar = page.locator('.ap-control-bar');
    await bar.waitFor({ state: 'visible', timeout: 15_000 });
    const box = await bar.boundingBox();
    expect(box).not.toBeNull();
    expect(box!.y + box!.height).toBeLessThanOrEqual(page.viewportSize()!.height);
    expect(await page.locator('#player-speed').inputValue()).toBe('1');
    expect(await page.locator('#player-idle').inputValue()).toBe('2');
    // The cast's markers are the player's chapters.
    await expect.poll(() => page.locator('.ap-marker-container').count()).toBe(2);
  });

  it('seeks to recording times while idle time is skipped, and keeps the moment when speed or idle limit change', async () => {
    // alice's session pauses 7 s before `df -h` (12.5 s): skipped to 2 s, the player's 7.5 s.
    await page.click('button[data-seek="12.500"]');
    await expect.poll(terminalText, { timeout: 15_000 }).toContain('load average');
    expect(await terminalText()).not.toContain('Filesystem');
    for (const [select, value] of [
      ['#player-speed', '4'],
      ['#player-idle', 'off'],
      ['#player-idle', '5'],
    ] as const) {
      await page.selectOption(select, value);
      await playerReady(page);
      await expect.poll(terminalText, { timeout: 15_000 }).toContain('load average');
      expect(await terminalText()).not.toContain('Filesystem');
    }
  });

  it('shows each audit event as fields with an ISO time, not raw JSON', async () => {
    const events = page.locator('#events > li');
    expect(await events.count()).toBeGreaterThanOrEqual(3);
    const start = page.locator('#events > li', { hasText: 'session.start' });
    const text = await start.innerText();
    expect(text).toMatch(/Time \(UTC\)\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/);
    expect(text).toMatch(/kind\s+shell/);
    expect(await page.locator('#events').innerText()).not.toContain('{"');
  });

  it('at 390 × 844 the page does not scroll sideways and "Log out" is in view', async () => {
    const narrow = await browser.context.newPage();
    narrow.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
    await narrow.setViewportSize({ width: 390, height: 844 });
    await narrow.goto(`${fx.base}/sessions/${fx.alice.id}`);
    await playerReady(narrow);
    // The page's own width: a string, as the tests are compiled without the DOM types.
    const widths = await narrow.evaluate<{ scroll: number; client: number }>(
      '({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth })',
    );
    expect(widths.client).toBe(390);
    expect(widths.scroll).toBeLessThanOrEqual(widths.client);
    const logout = narrow.getByRole('button', { name: 'Log out' });
    expect(await logout.isVisible()).toBe(true);
    const box = await logout.boundingBox();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(390);
    expect(box!.y + box!.height).toBeLessThanOrEqual(844);

    await mkdir(resolve('test-results'), { recursive: true });
    await rm(NARROW_SCREENSHOT, { force: true });
    await narrow.screenshot({ path: NARROW_SCREENSHOT, fullPage: true });
    const png = await readFile(NARROW_SCREENSHOT);
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    await narrow.close();
  });

  it('ran without script errors or CSP refusals', () => {
    expect(problems).toEqual([]);
  });
});
