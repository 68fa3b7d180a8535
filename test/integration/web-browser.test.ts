import { mkdir, readFile, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchBrowser, type TestBrowser } from '../helpers/browser.js';
import { HIDDEN_SEQUENCES } from '../helpers/hidden-sequence-corpus.js';
import { PASSWORD, REVIEWER, startWebFixture, type WebFixture } from './web-fixture.js';

const SCREENSHOT = resolve('test-results/review-page.png');

let fx: WebFixture;
let browser: TestBrowser;
let page: Page;
/** Script errors and CSP refusals seen by the page: the player must work under the CSP. */
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

/** asciinema-player 3.18 draws text into `pre.ap-term-text` inside `div.ap-term`. */
const terminalText = (): Promise<string> => page.locator('.ap-term .ap-term-text').innerText();

describe.skipIf(!chromiumAvailable())('review page in headless Chromium', () => {
  it('shows a non-reviewer only the login form, with status 401', async () => {
    const res = await page.goto(`${fx.base}/`);
    expect(res?.status()).toBe(401);
    await expect(page.locator('form[action="/login"]').count()).resolves.toBe(1);
    expect(await page.content()).not.toContain(fx.alice.id);
    const cast = await page.request.get(`${fx.base}/sessions/${fx.alice.id}.cast`);
    expect(cast.status()).toBe(401);
  });

  it('logs in, lists sessions, opens one and renders the player', async () => {
    await page.goto(`${fx.base}/login`);
    await page.fill('input[name="name"]', REVIEWER);
    await page.fill('input[name="password"]', PASSWORD);
    await Promise.all([page.waitForURL(`${fx.base}/`), page.click('button[type="submit"]')]);
    const list = await page.locator('#sessions').innerText();
    expect(list).toContain('alice');
    expect(list).toContain('bob');
    expect(list).toContain('db1');

    await Promise.all([
      page.waitForURL(`${fx.base}/sessions/${fx.alice.id}`),
      page.click(`a[href="/sessions/${fx.alice.id}"]`),
    ]);
    await page.locator('.ap-player').waitFor({ state: 'visible', timeout: 30_000 });
    await page.locator('.ap-term').waitFor({ state: 'visible', timeout: 30_000 });
    // Jump to the `df -h` marker: the terminal shows what was on screen at that moment.
    await page.click('button[data-seek="12.500"]');
    await expect.poll(terminalText, { timeout: 15_000 }).toContain('load average');
    expect(await page.locator('#events').innerText()).toContain('session.start');

    await mkdir(resolve('test-results'), { recursive: true });
    await rm(SCREENSHOT, { force: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    const png = await readFile(SCREENSHOT);
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(png.length).toBeGreaterThan(20_000);
  });

  it('searches recorded output and opens the player at the moment found', async () => {
    await page.fill('nav input[name="q"]', 'needle-in-haystack');
    await Promise.all([
      page.waitForURL(/\/search\?q=/),
      page.press('nav input[name="q"]', 'Enter'),
    ]);
    const hit = page.locator('a.hit').first();
    const href = await hit.getAttribute('href');
    expect(href).toMatch(new RegExp(`^/sessions/${fx.alice.id}#t=[0-9.]+$`));
    await Promise.all([page.waitForURL(/#t=/), hit.click()]);
    await page.locator('.ap-term').waitFor({ state: 'visible', timeout: 30_000 });
    await expect.poll(terminalText, { timeout: 15_000 }).toContain('echo needle-in-haystack');
    // Opened at the match, not at the end: later output is not on screen yet.
    expect(await terminalText()).not.toContain('load average');
  });

  it("lists hidden terminal sequences with their moment, and shows gatehouse's notices on the player's timeline", async () => {
    const notice = 'gatehouse: session ended by an administrator';
    const seeded = await fx.seed({
      user: 'mallory',
      target: 'db1',
      startedAt: Date.now() - 60_000,
      steps: [
        [0.5, 'o', 'mallory@db1:~$ '],
        ...HIDDEN_SEQUENCES.map((h, i) => [2 + i, 'o', h.output] as const),
        [20, 'o', 'bye\r\n'],
        [30, 'm', notice],
      ],
    });
    await page.goto(`${fx.base}/sessions/${seeded.id}`);
    await page.locator('.ap-player').waitFor({ state: 'visible', timeout: 30_000 });
    const panel = page.locator('#hidden-sequences li');
    const items = await panel.allInnerTexts();
    expect(items).toHaveLength(HIDDEN_SEQUENCES.length);
    HIDDEN_SEQUENCES.forEach((h, i) => expect(items[i]).toContain(h.placeholder));
    expect(items[0]).toMatch(/^2\.0 s/);
    await panel.first().locator('button').click();
    await expect.poll(() => page.locator('#position').innerText()).toBe('at 2.0 s');
    // asciinema-player draws each marker event on its progress bar, a final one included.
    await expect
      .poll(() => page.locator('.ap-marker-container').count(), { timeout: 15_000 })
      .toBe(1);
    expect(await page.locator('ol.markers').innerText()).toContain(notice);
  });

  it('ran without script errors or CSP refusals', () => {
    expect(problems).toEqual([]);
  });
});
