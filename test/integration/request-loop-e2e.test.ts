/**
 * Issue 14's loop end to end, every part real: alice files a request with the `ssh` client, carol
 * approves it on the review page in Chromium, the webhook receivers get a signed JSON message and
 * a Slack line linking to the request, and alice's `ssh alice+db1@…` then works once she agrees to
 * the NDA and the scope, which names carol as the approver.
 */
import { createHmac } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/web/password.js';
import { startBastion, type BastionFixture, type TestUser } from '../helpers/bastion.js';
import { chromiumAvailable, launchBrowser, type TestBrowser } from '../helpers/browser.js';
import { eventually } from '../helpers/eventually.js';
import { ptySsh } from '../helpers/ssh-client.js';
import { startReceiver, type Receiver } from '../helpers/webhook-receiver.js';
import { FAST, SECRET, events as eventsOf, header } from './notify-fixture.js';
import { applyRules, filedId, gatehouse } from './self-service-fixture.js';

const PUBLIC_URL = 'https://review.example.test';
const PASSWORD = 'correct horse battery staple';

let b: BastionFixture;
let json: Receiver;
let slack: Receiver;
let browser: TestBrowser;
let page: Page;
let alice: TestUser;

beforeAll(async () => {
  json = await startReceiver('/hooks/json');
  slack = await startReceiver('/hooks/slack');
  b = await startBastion({
    extraConfig: [
      'web:',
      '  listen: 127.0.0.1:0',
      `  publicUrl: ${PUBLIC_URL}`,
      'notify:',
      '  webhooks:',
      `    - url: ${json.url}`,
      '      format: json',
      `      secret: ${SECRET}`,
      `    - url: ${slack.url}`,
      '      format: slack',
      '      events: [request.created, request.approved]',
    ].join('\n'),
    start: { notify: FAST },
  });
  await applyRules(b);
  await b.store.reviewers.add('carol', await hashPassword(PASSWORD), 'test-admin', ['approver']);
  alice = await b.addUser('alice');
  await b.addNda(alice);
  if (chromiumAvailable()) {
    browser = await launchBrowser();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
  }
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await b?.stop();
  await json?.close();
  await slack?.close();
});

const webBase = (): string => `http://127.0.0.1:${b.running.web?.port ?? 0}`;

describe.skipIf(!chromiumAvailable())('the request loop: ssh → review page → webhook → ssh', () => {
  it('a request filed over ssh, approved in Chromium, is notified signed and lets alice in', async () => {
    const filed = await gatehouse(
      b,
      alice,
      'request',
      'db1',
      '--for',
      '2h',
      '--reason',
      'INC-4211 slow queries',
    );
    expect(filed.code).toBe(0);
    const id = filedId(filed);

    // Not yet: before the approval alice has no grant on db1.
    const early = await gatehouse(b, alice, 'grants');
    expect(early.stdout.toString()).not.toContain('db1');

    await page.goto(`${webBase()}/login`);
    await page.fill('input[name="name"]', 'carol');
    await page.fill('input[name="password"]', PASSWORD);
    await Promise.all([page.waitForURL(/\/requests$/), page.click('button[type="submit"]')]);
    await page.goto(`${webBase()}/requests/${id}`);
    await page.fill('#approve input[name="note"]', 'checked with the on-call DBA');
    await Promise.all([
      page.waitForURL(`${webBase()}/requests/${id}`),
      page.click('#approve button[type="submit"]'),
    ]);
    expect(await page.locator('#status').innerText()).toBe('approved');
    const grantId = Number(await page.locator('#grant').innerText());

    const chain = (await b.store.audit.list({ requestId: id as never })).sort(
      (x, y) => x.seq - y.seq,
    );
    expect(chain.map((e) => [e.type, e.actor])).toEqual([
      ['request.created', 'user:alice'],
      ['request.approved', 'reviewer:carol'],
      ['grant.create', 'reviewer:carol'],
    ]);

    // The JSON receiver: each message signed with HMAC-SHA256 over "<timestamp>.<body>".
    const wanted = ['request.created', 'request.approved', 'grant.create'];
    const events = await eventually(
      async () => eventsOf(json.requests),
      (got) => wanted.every((w) => got.includes(w)),
    );
    expect(events).toEqual(expect.arrayContaining(wanted));
    for (const got of json.requests) {
      const ts = header(got, 'x-gatehouse-timestamp');
      const mac = createHmac('sha256', SECRET).update(`${ts}.${got.body}`).digest('hex');
      expect(header(got, 'x-gatehouse-signature')).toBe(`sha256=${mac}`);
    }
    const approvedJson = json.requests.find(
      (r) => header(r, 'x-gatehouse-event') === 'request.approved',
    );
    expect(JSON.parse(approvedJson?.body ?? '{}')).toMatchObject({
      event: 'request.approved',
      actor: 'reviewer:carol',
      payload: { requestId: id, approver: 'carol', note: 'checked with the on-call DBA' },
      link: `${PUBLIC_URL}/requests/${id}`,
    });
    // The Slack receiver: only the events it asked for, each linking to the request.
    await eventually(
      async () => slack.bodies.length,
      (n) => n >= 2,
    );
    expect(slack.bodies).toHaveLength(2);
    for (const body of slack.bodies)
      expect((body as { text: string }).text).toContain(`<${PUBLIC_URL}/requests/${id}|`);

    // alice's first login under the new grant: the NDA and the scope, approved by carol.
    const t = ptySsh(b.login(alice, 'db1'));
    try {
      await t.waitFor(/Type "I agree" to continue: $/);
      expect(t.output()).toMatch(/Reason: +INC-4211 slow queries/);
      expect(t.output()).toMatch(/carol/);
      t.write('I agree\r');
      await t.waitFor(/this session is recorded/);
      t.write('echo through-$((6*7))\r');
      await t.waitFor(/through-42/);
      t.write('exit\r');
      expect(await t.exited).toBe(0);
    } finally {
      t.kill();
    }
    const [session] = await b.store.sessions.list({ userName: 'alice' });
    expect(session?.grantId).toBe(grantId);
  });
});
