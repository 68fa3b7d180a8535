/**
 * A transfer session as a reviewer sees it (issue 16), in headless Chromium: its page shows the
 * transfer log instead of the player (file, direction, size, sha256 shortened with the full value
 * on hover and in the copied text, local times with UTC on hover, refusals marked); the session
 * list sums it up in the command column and filters by kind; search finds it by a file's name and
 * links to it; at 390 px nothing scrolls sideways (screenshot kept in test-results/).
 */
import { mkdir, readFile, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents } from '../../src/core/audit-events.js';
import { chromiumAvailable, launchBrowser, type TestBrowser } from '../helpers/browser.js';
import {
  PASSWORD,
  REVIEWER,
  startWebFixture,
  type SeededSession,
  type WebFixture,
} from './web-fixture.js';

const NARROW_SCREENSHOT = resolve('test-results/review-transfer-log-390.png');
const REPORT_SHA = '3f'.repeat(32);
const PATCH_SHA = 'a1'.repeat(32);

let fx: WebFixture;
let browser: TestBrowser;
let page: Page;
let sftp: SeededSession;
/** A transfer session that moved nothing. */
let idle: SeededSession;
const problems: string[] = [];

beforeAll(async () => {
  fx = await startWebFixture();
  sftp = await fx.seed({
    user: 'carol',
    target: 'files1',
    kind: 'sftp',
    startedAt: Date.now() - 10 * 60_000,
    // The recording holds one line per entry (what the search index finds).
    steps: [
      [1, 'o', 'download /var/log/app/quarterly-report-2026.csv 3.0 MiB\r\n'],
      [2, 'o', 'upload /tmp/hotfix.patch 12.0 KiB\r\n'],
      [3, 'o', 'rename /tmp/hotfix.patch -> /opt/app/hotfix.patch\r\n'],
      [4, 'o', 'refused open /etc/shadow\r\n'],
    ],
    transfers: [
      (s) =>
        auditEvents.transferFile({
          ...s,
          path: '/var/log/app/quarterly-report-2026.csv',
          direction: 'download',
          bytes: 3 * 1024 * 1024,
          sha256: REPORT_SHA,
        }),
      (s) =>
        auditEvents.transferFile({
          ...s,
          path: '/tmp/hotfix.patch',
          direction: 'upload',
          bytes: 12 * 1024,
          sha256: PATCH_SHA,
        }),
      (s) =>
        auditEvents.transferChange({
          ...s,
          op: 'rename',
          path: '/tmp/hotfix.patch',
          to: '/opt/app/hotfix.patch',
        }),
      (s) =>
        auditEvents.transferDenied({
          ...s,
          op: 'open',
          path: '/etc/shadow',
          why: '/etc/shadow is outside the paths this grant allows',
        }),
    ],
  });
  idle = await fx.seed({
    user: 'dave',
    target: 'files1',
    kind: 'sftp',
    startedAt: Date.now() - 8 * 60_000,
    steps: [],
  });
  browser = await launchBrowser();
  page = browser.context.pages()[0] ?? (await browser.context.newPage());
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !/401 \(Unauthorized\)/.test(msg.text())) {
      problems.push(`console: ${msg.text()}`);
    }
  });
  await page.goto(`${fx.base}/`);
  await page.fill('input[name="name"]', REVIEWER);
  await page.fill('input[name="password"]', PASSWORD);
  await Promise.all([page.waitForURL(`${fx.base}/`), page.click('button[type="submit"]')]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await fx?.close();
});

const rows = (p: Page) => p.locator('#transfers table.transfers tbody tr');

describe.skipIf(!chromiumAvailable())('a transfer session in headless Chromium', () => {
  it('shows its transfer log instead of the player', async () => {
    await page.goto(`${fx.base}/sessions/${sftp.id}`);
    expect(await page.locator('h1').innerText()).toContain('carol@files1');
    expect(await page.locator('#player').count()).toBe(0);
    expect(await rows(page).count()).toBe(4);
    const texts = await rows(page).allInnerTexts();
    expect(texts[0]).toMatch(/download\s+\/var\/log\/app\/quarterly-report-2026\.csv\s+3\.0 MiB/);
    expect(texts[1]).toMatch(/upload\s+\/tmp\/hotfix\.patch\s+12\.0 KiB/);
    expect(texts[2]).toMatch(/rename\s+\/tmp\/hotfix\.patch → \/opt\/app\/hotfix\.patch/);
    expect(texts[3]).toMatch(/refused\s+open\s+\/etc\/shadow\s+\/etc\/shadow is outside the paths/);
    expect(await rows(page).nth(3).getAttribute('class')).toBe('refused');
    expect(await rows(page).nth(0).locator('td.num').getAttribute('title')).toBe('3145728 bytes');
  });

  it('shows an empty log, not a player, for a transfer session that moved nothing', async () => {
    await page.goto(`${fx.base}/sessions/${idle.id}`);
    expect(await page.locator('#player').count()).toBe(0);
    expect(await page.locator('#transfers').innerText()).toContain(
      'No file moved, changed or refused.',
    );
    await page.goto(`${fx.base}/sessions/${sftp.id}`);
  });

  it('shows each sha256 shortened, the full value on hover and in what is copied', async () => {
    const sha = rows(page).nth(0).locator('code.sha256');
    expect(await sha.getAttribute('title')).toBe(REPORT_SHA);
    expect(await sha.textContent()).toBe(REPORT_SHA);
    // The first one's drawn width against its text's (a string: no DOM types in the tests).
    const shown = await page.evaluate<{ shown: number; full: number }>(
      "(() => { const el = document.querySelector('#transfers code.sha256'); return { shown: el.clientWidth, full: el.scrollWidth }; })()",
    );
    expect(shown.shown).toBeLessThan(shown.full / 3);
  });

  it("shows times in the viewer's zone, with UTC on hover", async () => {
    const time = rows(page).nth(0).locator('time.local');
    const iso = (await time.getAttribute('datetime'))!;
    expect(iso).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    await expect.poll(() => time.getAttribute('title')).toBe(`${iso} (UTC)`);
    expect(await time.innerText()).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC[+-]\d\d:\d\d/);
  });

  it('sums the session up in the list, and the kind filter offers sftp', async () => {
    await page.goto(`${fx.base}/`);
    const row = page.locator('#sessions tbody tr', { hasText: 'carol' });
    expect(await row.locator('td.command').innerText()).toBe('2 files, 3.0 MiB');
    const kinds = await page.locator('select[name="kind"] option').allInnerTexts();
    expect(kinds).toEqual(['all', 'shell', 'exec', 'prompt', 'sftp']);
    expect(await row.locator('td').nth(3).innerText()).toBe('sftp');
    const idleRow = page.locator('#sessions tbody tr', { hasText: 'dave' });
    expect(await idleRow.locator('td.command').innerText()).toBe('0 files, 0 B');
    await page.selectOption('select[name="kind"]', 'sftp');
    await Promise.all([
      page.waitForURL(/kind=sftp/),
      page.click('form.filters button[type="submit"]'),
    ]);
    const users = await page.locator('#sessions tbody tr td:nth-child(2)').allInnerTexts();
    expect(users.sort()).toEqual(['carol', 'dave']);
  });

  it('finds the session by a file name and links to its page', async () => {
    await page.goto(`${fx.base}/search?q=quarterly-report`);
    const link = page.locator(`a[href="/sessions/${sftp.id}"]`).first();
    expect(await link.count()).toBe(1);
    expect(await page.locator('main').innerText()).toContain('quarterly-report-2026.csv');
    await Promise.all([page.waitForURL(`${fx.base}/sessions/${sftp.id}`), link.click()]);
    expect(await rows(page).count()).toBe(4);
  });

  it('at 390 × 844 the log does not scroll sideways', async () => {
    const narrow = await browser.context.newPage();
    narrow.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
    await narrow.setViewportSize({ width: 390, height: 844 });
    await narrow.goto(`${fx.base}/sessions/${sftp.id}`);
    await rows(narrow).first().waitFor({ state: 'visible' });
    const widths = await narrow.evaluate<{ scroll: number; client: number }>(
      '({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth })',
    );
    expect(widths.client).toBe(390);
    expect(widths.scroll).toBeLessThanOrEqual(widths.client);
    const path = rows(narrow).nth(0).locator('.path');
    const box = await path.boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(390);

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
