/** The review page's session list over 10,000+ sessions: pages, total, filters; HTTP, Chromium. */
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { Database } from '../../src/store/database.js';
import {
  idsOf,
  insertManySessions,
  listOrder,
  type SeededRow,
  type SessionOwner,
} from './many-sessions-fixture.js';
import { chromiumAvailable, launchBrowser, type TestBrowser } from '../helpers/browser.js';
import { login, PASSWORD, raw, REVIEWER, startWebFixture, type WebFixture } from './web-fixture.js';

const HOUR = 3_600_000;
const COUNT = 10_234;
/** The page's clock: its quick ranges count back from here. */
const NOW = Date.now();

let fx: WebFixture;
let cookie: string;
/** Every session in the database: the fixture's two and the seeded ones. */
let rows: SeededRow[];

async function ownerOf(grantId: SessionOwner['grantId'], user: string, target: string) {
  const grant = await fx.store.grants.get(grantId);
  if (grant === null) throw new Error('no grant');
  return { user, target, grantId, userId: grant.userId, targetId: grant.targetId };
}

beforeAll(async () => {
  fx = await startWebFixture({ clock: fixedClock(NOW) });
  cookie = await login(fx.base);
  const odd = await ownerOf(fx.alice.grantId, 'alice', 'db1');
  const even = await ownerOf(fx.bob.grantId, 'bob', 'web2');
  // The fixture keeps its database beside the recordings folder.
  const dbPath = join(dirname(fx.recordingsDir), 'gatehouse.db');
  // Half a minute off the fixture's own sessions' minutes, so no two start at the same moment.
  const seeded = await insertManySessions(dbPath, { odd, even }, COUNT, NOW - 30_000);
  const own = (id: string, user: string, target: string, startedAt: number): SeededRow => ({
    id,
    user,
    target,
    startedAt,
    live: false,
    flagged: false,
    kind: null, // the fixture's sessions have no kind
  });
  rows = [
    own(fx.alice.id, 'alice', 'db1', fx.alice.startedAt),
    own(fx.bob.id, 'bob', 'web2', fx.bob.startedAt),
    ...seeded,
  ];
}, 60_000);
afterAll(async () => {
  await fx?.close();
});

interface ShownPage {
  readonly status: number;
  readonly ids: string[];
  /** "1–50 of 10,236" */
  readonly range: string | null;
  readonly next: string | null;
  readonly prev: string | null;
  readonly error: string | null;
}

async function show(path: string): Promise<ShownPage> {
  const res = await raw(fx.base, 'GET', path, { Cookie: cookie });
  const table = /<table id="sessions">[\s\S]*<\/table>/.exec(res.body)?.[0] ?? '';
  const attr = (rel: string): string | null =>
    new RegExp(`<a rel="${rel}" href="([^"]*)"`).exec(res.body)?.[1]?.replace(/&amp;/g, '&') ??
    null;
  return {
    status: res.status,
    ids: [...table.matchAll(/href="\/sessions\/([0-9a-f-]{36})"/g)].map((m) => m[1] ?? ''),
    range: /<span class="range"\s*>([^<]*)<\/span/.exec(res.body)?.[1] ?? null,
    next: attr('next'),
    prev: attr('prev'),
    error: /<p class="error" role="alert">([^<]*)<\/p>/.exec(res.body)?.[1] ?? null,
  };
}

const count = (n: number): string => n.toLocaleString('en-US');

describe('the session list over 10,236 sessions', () => {
  it('shows 50 per page, live first then newest first, with the total and next/previous', async () => {
    const want = listOrder(rows);
    const first = await show('/');
    expect(first).toMatchObject({
      status: 200,
      ids: idsOf(want.slice(0, 50)),
      range: `1–50 of ${count(rows.length)}`,
      next: '/?page=2',
      prev: null,
    });
    const second = await show(first.next ?? '');
    expect(second).toMatchObject({
      ids: idsOf(want.slice(50, 100)),
      range: `51–100 of ${count(rows.length)}`,
      prev: '/',
      next: '/?page=3',
    });
    const lastPage = Math.ceil(rows.length / 50);
    const last = await show(`/?page=${lastPage}`);
    expect(last).toMatchObject({ ids: idsOf(want.slice((lastPage - 1) * 50)), next: null });
    expect(await show(`/?page=${lastPage + 1}`)).toMatchObject({
      ids: [],
      range: `no sessions on this page (${count(rows.length)} in all)`,
    });
    expect(await show('/?user=nobody')).toMatchObject({ ids: [], range: 'no sessions' });
    const body = (await raw(fx.base, 'GET', '/', { Cookie: cookie })).body;
    expect(body).toContain('<span class="badge live">live</span>');
    expect(body).toContain(
      `<time class="local" datetime="${new Date(want[0]!.startedAt).toISOString().replace(/\.\d{3}Z$/, 'Z')}"`,
    );
  });

  it("a live session's badge names the node that holds it (issue 17)", async () => {
    const db = await Database.open(join(dirname(fx.recordingsDir), 'gatehouse.db'));
    try {
      await db.run("UPDATE sessions SET node = 'node-b' WHERE id = ?", [
        '00000000-0000-4000-8000-000000001000',
      ]);
    } finally {
      await db.close();
    }
    const body = (await raw(fx.base, 'GET', '/', { Cookie: cookie })).body;
    expect(body).toContain(
      '<span class="badge live">live</span> <span class="node">on node-b</span>',
    );
  });

  it('filters by user, target, flagged, live and quick range, each with its own total', async () => {
    const check = async (query: string, keep: (r: SeededRow) => boolean): Promise<void> => {
      const want = listOrder(rows.filter(keep));
      expect(want.length, query).toBeGreaterThan(0);
      const shown = await show(`/?${query}`);
      expect(shown, query).toMatchObject({
        status: 200,
        error: null,
        ids: idsOf(want.slice(0, 50)),
        range: `1–${Math.min(50, want.length)} of ${count(want.length)}`,
      });
      if (want.length > 50) {
        expect(shown.next, query).toMatch(/^\/\?.*&page=2$/);
        expect((await show(shown.next ?? '')).ids).toEqual(idsOf(want.slice(50, 100)));
      }
    };
    await check('user=bob', (r) => r.user === 'bob');
    await check('target=db1', (r) => r.target === 'db1');
    await check('flagged=on', (r) => r.flagged);
    await check('live=on', (r) => r.live);
    await check('range=1h', (r) => r.startedAt >= NOW - HOUR);
    await check('range=24h', (r) => r.startedAt >= NOW - 24 * HOUR);
    await check(
      'user=alice&flagged=on&range=7d',
      (r) => r.user === 'alice' && r.flagged && r.startedAt >= NOW - 7 * 24 * HOUR,
    );
  });

  it('offers the users and targets as choices', async () => {
    const body = (await raw(fx.base, 'GET', '/?user=bob', { Cookie: cookie })).body;
    expect(body).toContain('<option value="bob" selected>bob</option>');
    expect(body).toContain('<option value="alice" >alice</option>');
    expect(body).toMatch(/<select name="target">[\s\S]*value="web2"[\s\S]*<\/select>/);
  });

  it('refuses a bad page, range or flag with one line and lists nothing', async () => {
    for (const [query, error] of [
      ['page=0', 'page: "0" is not a page number'],
      ['range=2h', 'range: "2h" is not one of 1h, 24h, 7d'],
      ['flagged=yes', 'flagged: must be on or left out'],
    ] as const) {
      const shown = await show(`/?${query}`);
      expect(shown, query).toMatchObject({ status: 200, ids: [] });
      expect(shown.error?.replace(/&quot;/g, '"')).toBe(error);
    }
  });

  it('writes what was asked for, page included, in review.view', async () => {
    await show('/?user=alice&range=24h&flagged=on&page=2');
    const last = (await fx.store.audit.list({ type: 'review.view' })).at(-1);
    expect(last?.payload).toMatchObject({
      view: 'list',
      filters: { user: 'alice', range: '24h', flagged: 'on', page: '2' },
    });
  });
});

describe.skipIf(!chromiumAvailable())('the session list in headless Chromium', () => {
  let browser: TestBrowser;
  let page: Page;
  const problems: string[] = [];
  const rowIds = async (): Promise<string[]> => {
    const links = await page.locator('#sessions tbody a').all();
    const hrefs = await Promise.all(links.map((a) => a.getAttribute('href')));
    return hrefs.map((href) => (href ?? '').replace('/sessions/', ''));
  };

  beforeAll(async () => {
    browser = await launchBrowser();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
    });
    // The viewer is in Tokyo (UTC+9 all year).
    const cdp = await browser.context.newCDPSession(page);
    await cdp.send('Emulation.setTimezoneOverride', { timezoneId: 'Asia/Tokyo' });
    await page.goto(`${fx.base}/login`);
    await page.fill('input[name="name"]', REVIEWER);
    await page.fill('input[name="password"]', PASSWORD);
    await Promise.all([page.waitForURL(`${fx.base}/`), page.click('button[type="submit"]')]);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
  });

  it("pages through the list and shows times in the viewer's zone, UTC on hover", async () => {
    const want = listOrder(rows);
    expect(await rowIds()).toEqual(idsOf(want.slice(0, 50)));
    expect(await page.locator('.pager .range').first().innerText()).toBe(
      `1–50 of ${count(rows.length)}`,
    );
    const time = page.locator('#sessions tbody tr:first-child time');
    const started = want[0]!.startedAt;
    const tokyo = new Date(started + 9 * HOUR).toISOString().slice(0, 19).replace('T', ' ');
    await expect
      .poll(() => time.innerText())
      .toMatch(new RegExp(`^${tokyo} UTC\\+09:00 · \\d+ (s|min|h|d) ago$`));
    const utc = new Date(started).toISOString().replace(/\.\d{3}Z$/, 'Z');
    expect(await time.getAttribute('title')).toBe(`${utc} (UTC)`);
    expect(await page.locator('#sessions tbody tr.live .badge.live').count()).toBe(
      want.filter((r) => r.live).length,
    );

    await Promise.all([
      page.waitForURL(/\?page=2$/),
      page.locator('a[rel="next"]').first().click(),
    ]);
    expect(await rowIds()).toEqual(idsOf(want.slice(50, 100)));
    await Promise.all([
      page.waitForURL(`${fx.base}/`),
      page.locator('a[rel="prev"]').first().click(),
    ]);
    expect(await rowIds()).toEqual(idsOf(want.slice(0, 50)));
  });

  it('filters by a chosen user and flagged, then a quick range', async () => {
    await page.selectOption('select[name="user"]', 'bob');
    await page.check('input[name="flagged"]');
    await Promise.all([
      page.waitForURL(/flagged=on/),
      page.click('form.filters button[type="submit"]'),
    ]);
    const bobFlagged = listOrder(rows.filter((r) => r.user === 'bob' && r.flagged));
    expect(await rowIds()).toEqual(idsOf(bobFlagged.slice(0, 50)));
    expect(await page.locator('.pager .range').first().innerText()).toBe(
      `1–${Math.min(50, bobFlagged.length)} of ${count(bobFlagged.length)}`,
    );
    await Promise.all([page.waitForURL(/range=24h/), page.click('.quick a:has-text("24 h")')]);
    const recent = listOrder(
      rows.filter((r) => r.user === 'bob' && r.flagged && r.startedAt >= NOW - 24 * HOUR),
    );
    expect(await rowIds()).toEqual(idsOf(recent));
    expect(await page.locator('select[name="user"]').inputValue()).toBe('bob');
    expect(await page.locator('input[name="flagged"]').isChecked()).toBe(true);
    await mkdir(resolve('test-results'), { recursive: true });
    await page.screenshot({ path: resolve('test-results/session-list.png'), fullPage: true });
  });

  it('ran without script errors or CSP refusals', () => {
    expect(problems).toEqual([]);
  });
});
