/**
 * The approver's pages over plain HTTP (issue 14): roles on every route, the form token on every
 * decision, approvals and denials judged by the current rules, refusals as one line.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestRules } from '../../src/web/context.js';
import {
  ACCOUNTS,
  REQUEST_RULES,
  addAccounts,
  ensureTarget,
  fileRequest,
} from './web-requests-fixture.js';
import {
  REVIEWER,
  formToken,
  login,
  postAs,
  postForm,
  raw,
  startWebFixture,
  type WebFixture,
} from './web-fixture.js';

let fx: WebFixture;
let rules: RequestRules = REQUEST_RULES;
const cookies: Record<string, string> = {};

beforeAll(async () => {
  fx = await startWebFixture({ requestRules: () => rules });
  await addAccounts(fx.store);
  for (const name of [REVIEWER, ...Object.keys(ACCOUNTS)])
    cookies[name] = await login(fx.base, name);
});
afterAll(async () => {
  await fx.close();
});

const get = (as: string, path: string) => raw(fx.base, 'GET', path, { Cookie: cookies[as]! });
const head = async (): Promise<number> => (await fx.store.audit.head())?.seq ?? 0;
const typesSince = async (seq: number): Promise<string[]> =>
  (await fx.store.audit.page(seq, 100)).map((e) => e.type);

describe('roles', () => {
  it('a reviewer-only account gets 403 on every request page and post, and no Requests link', async () => {
    const r = await fileRequest(fx.store);
    for (const path of ['/requests', `/requests/${r.id}`]) {
      const res = await get(REVIEWER, path);
      expect(res.status, path).toBe(403);
      expect(res.body).not.toContain('INC-4211');
    }
    // The token first: the reviewer's home page view is an audit event of its own.
    const csrf = await formToken(fx.base, cookies[REVIEWER]!);
    const before = await head();
    const post = await postForm(
      fx.base,
      `/requests/${r.id}/approve`,
      { note: 'sneaky', csrf },
      { Cookie: cookies[REVIEWER]!, Origin: fx.base },
    );
    expect(post.status).toBe(403);
    expect(await head()).toBe(before);
    const home = await get(REVIEWER, '/');
    expect(home.body).not.toContain('href="/requests"');
    expect(home.body).toContain('action="/search"');
  });

  it('an approver-only account is sent from / to /requests and gets 403 on sessions, search and recordings', async () => {
    const home = await get('ann', '/');
    expect(home.status).toBe(303);
    expect(home.headers.location).toBe('/requests');
    for (const path of [
      '/search?q=needle',
      `/sessions/${fx.alice.id}`,
      `/sessions/${fx.alice.id}.cast`,
    ]) {
      const res = await get('ann', path);
      expect(res.status, path).toBe(403);
      expect(res.body).not.toContain('needle');
    }
    const list = await get('ann', '/requests');
    expect(list.status).toBe(200);
    expect(list.body).toContain('href="/requests"');
    expect(list.body).not.toContain('href="/"');
    expect(list.body).not.toContain('action="/search"');
    // An account with both roles sees both.
    const both = await get('bo', '/requests');
    expect(both.body).toContain('href="/"');
    expect(both.body).toContain('href="/requests"');
    expect((await get('bo', `/sessions/${fx.alice.id}`)).status).toBe(200);
  });

  it('a role taken away applies to the open session at its next request', async () => {
    await fx.store.reviewers.setRoles('bo', ['reviewer'], 'admin');
    expect((await get('bo', '/requests')).status).toBe(403);
    await fx.store.reviewers.setRoles('bo', ['reviewer', 'approver'], 'admin');
    expect((await get('bo', '/requests')).status).toBe(200);
  });
});

describe('the form token (CSRF)', () => {
  it('refuses a decision without the token, with a wrong one, with another session’s, or cross-origin: nothing written, no grant', async () => {
    const r = await fileRequest(fx.store);
    const path = `/requests/${r.id}/approve`;
    const cookie = cookies['ann']!;
    const annToken = await formToken(fx.base, cookie);
    const boToken = await formToken(fx.base, cookies['bo']!);
    const before = await head();
    const grants = (await fx.store.grants.list()).length;
    expect(annToken).not.toBe(boToken);
    for (const [form, origin] of [
      [{ note: 'ok' }, fx.base],
      [{ note: 'ok', csrf: '' }, fx.base],
      [{ note: 'ok', csrf: 'A'.repeat(43) }, fx.base],
      [{ note: 'ok', csrf: annToken.slice(0, 42) }, fx.base],
      [{ note: 'ok', csrf: boToken }, fx.base],
      [{ note: 'ok', csrf: annToken }, 'http://evil.example'],
    ] as const) {
      const res = await postForm(fx.base, path, form, { Cookie: cookie, Origin: origin });
      expect(res.status, JSON.stringify(form)).toBe(403);
    }
    const deny = await postForm(
      fx.base,
      `/requests/${r.id}/deny`,
      { reason: 'no' },
      { Cookie: cookie, Origin: fx.base },
    );
    expect(deny.status).toBe(403);
    expect(await head()).toBe(before);
    expect((await fx.store.grants.list()).length).toBe(grants);
    expect((await fx.store.requests.get(r.id))?.status).toBe('pending');
  });
});

describe('deciding', () => {
  it('approve with a note and a shorter window: the grant is linked to the request; the chain reads created → approved → grant.create', async () => {
    const r = await fileRequest(fx.store, { targetName: 'db2' });
    const res = await postAs(fx.base, cookies['ann']!, `/requests/${r.id}/approve`, {
      note: 'checked with the on-call',
      for: '45m',
    });
    expect(res.body.match(/role="alert">[^<]*/)?.[0] ?? null).toBeNull();
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/requests/${r.id}`);
    const done = await fx.store.requests.get(r.id);
    expect(done).toMatchObject({ status: 'approved', decidedBy: 'ann' });
    const grant = await fx.store.grants.get(done!.grantId!);
    expect(grant).toMatchObject({ requestId: r.id, createdBy: 'reviewer:ann', mode: 'shell' });
    expect(grant!.endsAt - grant!.startsAt).toBe(45 * 60_000);
    const events = await fx.store.audit.list({ requestId: r.id });
    expect(events.map((e) => [e.type, e.actor])).toEqual([
      ['request.created', 'user:alice'],
      ['request.approved', 'reviewer:ann'],
      ['grant.create', 'reviewer:ann'],
    ]);
    expect(events[1]?.payload).toMatchObject({
      approver: 'ann',
      note: 'checked with the on-call',
      durationMs: 45 * 60_000,
    });
    const page = await get('ann', `/requests/${r.id}`);
    expect(page.body).toContain('approved by ann (1 of 1), for 45m: checked with the on-call');
    expect(page.body).toContain(`grant ${grant!.id} created`);
    expect(page.body).not.toContain('id="approve"');
  });

  it('deny with a reason; a deny without one is refused and changes nothing', async () => {
    const r = await fileRequest(fx.store, { userName: 'bob', targetName: 'web2' });
    const before = await head();
    const empty = await postAs(fx.base, cookies['ann']!, `/requests/${r.id}/deny`, {
      reason: '  ',
    });
    expect(empty.status).toBe(400);
    expect(empty.body).toMatch(/role="alert">\s*reason: must not be empty/);
    expect(await head()).toBe(before);
    const res = await postAs(fx.base, cookies['ann']!, `/requests/${r.id}/deny`, {
      reason: 'not during the freeze',
    });
    expect(res.status).toBe(303);
    expect(await fx.store.requests.get(r.id)).toMatchObject({
      status: 'denied',
      decisionNote: 'not during the freeze',
      grantId: null,
    });
    expect(await typesSince(before)).toEqual(['request.denied']);
    const [denied] = await fx.store.audit.list({ type: 'request.denied', limit: 1 });
    expect(denied).toMatchObject({
      actor: 'reviewer:ann',
      payload: { requestId: r.id, approver: 'ann', reason: 'not during the freeze' },
    });
  });

  it('refuses, as one line on the page and changing nothing: own request, an approver the rule does not name, a longer window, an already decided request', async () => {
    const r = await fileRequest(fx.store, { targetName: 'db3' });
    const before = await head();
    const cases: [string, Record<string, string>, number, string][] = [
      ['alice', {}, 409, 'request: alice cannot decide their own request'],
      ['vic', {}, 409, 'request: vic is not an approver for rule contractors'],
      [
        'ann',
        { for: '3h' },
        409,
        'request: the approved window must not be longer than the one requested',
      ],
      ['ann', { for: 'soon' }, 400, 'for: &quot;soon&quot; is not a duration'],
    ];
    for (const [as, form, status, line] of cases) {
      const res = await postAs(fx.base, cookies[as]!, `/requests/${r.id}/approve`, form);
      expect(res.status, as).toBe(status);
      expect(res.body).toContain(line);
      expect(res.body.match(/role="alert"/g)).toHaveLength(1);
    }
    expect(await head()).toBe(before);
    expect((await fx.store.requests.get(r.id))?.status).toBe('pending');

    expect((await postAs(fx.base, cookies['bo']!, `/requests/${r.id}/approve`)).status).toBe(303);
    const again = await postAs(fx.base, cookies['ann']!, `/requests/${r.id}/deny`, {
      reason: 'too late',
    });
    expect(again.status).toBe(409);
    expect(again.body).toContain(`request: ${r.id} is already approved`);
    expect((await fx.store.requests.get(r.id))?.status).toBe('approved');
  });

  it('judges by the rules as they are now: an approver dropped from the rule is refused', async () => {
    const r = await fileRequest(fx.store, { targetName: 'db4' });
    rules = {
      ...REQUEST_RULES,
      policy: { ...REQUEST_RULES.policy, groups: { leads: ['alice', 'bo'] } },
    };
    try {
      const res = await postAs(fx.base, cookies['ann']!, `/requests/${r.id}/approve`);
      expect(res.status).toBe(409);
      expect(res.body).toContain('request: ann is not an approver for rule contractors');
    } finally {
      rules = REQUEST_RULES;
    }
    expect((await fx.store.requests.get(r.id))?.status).toBe('pending');
  });

  it('refuses a request past its deadline', async () => {
    const r = await fileRequest(fx.store, { targetName: 'db5', expiresAt: Date.now() + 300 });
    await new Promise((done) => setTimeout(done, 400));
    const before = await head();
    const res = await postAs(fx.base, cookies['ann']!, `/requests/${r.id}/approve`);
    expect(res.status).toBe(409);
    expect(res.body).toMatch(new RegExp(`request: ${r.id} expired .* undecided`));
    expect(await head()).toBe(before);
    expect((await get('ann', `/requests/${r.id}`)).body).toContain(
      '<span id="status">expired</span>',
    );
  });
});

describe('a target with a checklist', () => {
  it('shows its items as inputs; an approval missing one is refused naming it; confirmed, the grant carries them', async () => {
    await ensureTarget(fx.store, 'db9');
    await fx.store.targets.setRequires('db9', ['backup verified', 'rollback plan'], 'admin');
    const r = await fileRequest(fx.store, { targetName: 'db9' });
    const page = await get('ann', `/requests/${r.id}`);
    expect(page.body).toContain('name="confirm[backup verified]"');
    expect(page.body).toContain('name="confirm[rollback plan]"');

    const before = await head();
    const missing = await postAs(fx.base, cookies['ann']!, `/requests/${r.id}/approve`, {
      'confirm[backup verified]': 'snapshot 2026-11-30 02:00',
    });
    expect(missing.status).toBe(409);
    expect(missing.body).toContain(
      'checklist: db9 requires confirming &quot;rollback plan&quot; before access',
    );
    expect(await head()).toBe(before);
    expect((await fx.store.requests.get(r.id))?.status).toBe('pending');

    const done = await postAs(fx.base, cookies['ann']!, `/requests/${r.id}/approve`, {
      'confirm[backup verified]': 'snapshot 2026-11-30 02:00',
      'confirm[rollback plan]': 'https://wiki.example/rollback/db9',
    });
    expect(done.status).toBe(303);
    const grantId = (await fx.store.requests.get(r.id))?.grantId;
    expect((await fx.store.grants.get(grantId!))?.confirmations).toEqual([
      { item: 'backup verified', note: 'snapshot 2026-11-30 02:00', by: 'reviewer:ann' },
      { item: 'rollback plan', note: 'https://wiki.example/rollback/db9', by: 'reviewer:ann' },
    ]);
    const history = (await get('ann', `/requests/${r.id}`)).body;
    expect(history).toContain('rollback plan: https://wiki.example/rollback/db9');
  });
});

describe('the pages', () => {
  it('lists pending requests first with their fields, then decided ones with their status', async () => {
    const pending = await fileRequest(fx.store, {
      userName: 'bob',
      targetName: 'web2',
      mode: { kind: 'allowlist', patterns: ['tail -n {int} /var/log/app.log'] },
      durationMs: 30 * 60_000,
      reason: 'CHG-118 log check',
    });
    const res = await get('ann', '/requests');
    expect(res.status).toBe(200);
    const [pendingTable, decidedTable] = res.body.split('id="decided"');
    const row = new RegExp(`href="/requests/${pending.id}">${pending.id}</a>[\\s\\S]*?</tr>`).exec(
      pendingTable!,
    )?.[0];
    expect(row).toBeDefined();
    for (const text of [
      'bob',
      'web2',
      'allowlist',
      'tail -n {int} /var/log/app.log',
      '30m',
      'CHG-118 log check',
      '0 of 1',
    ])
      expect(row).toContain(text);
    expect(decidedTable).toContain('denied');
    expect(decidedTable).toContain('approved');
    expect(decidedTable).not.toContain(`href="/requests/${pending.id}"`);
  });

  it('shows the file transfer a request asks for on its page and in the list', async () => {
    const r = await fileRequest(fx.store, {
      targetName: 'db8',
      reason: 'INC-12 fetch logs',
      transfer: { direction: 'download', paths: ['/var/log/<app>/**'], budgetBytes: 1024 ** 3 },
    });
    const page = await get('ann', `/requests/${r.id}`);
    expect(page.body).toMatch(
      /<span id="transfer">download: <code>\/var\/log\/&lt;app&gt;\/\*\*<\/code>\s*, budget 1GiB<\/span>/,
    );
    const list = await get('ann', '/requests');
    const row = new RegExp(`href="/requests/${r.id}">${r.id}</a>[\\s\\S]*?</tr>`).exec(
      list.body,
    )?.[0];
    expect(row).toMatch(
      /<td class="transfer">download: <code>\/var\/log\/&lt;app&gt;\/\*\*<\/code>/,
    );
    const plain = await fileRequest(fx.store, { targetName: 'db8', reason: 'INC-13' });
    expect((await get('ann', `/requests/${plain.id}`)).body).toContain(
      '<span id="transfer">none</span>',
    );
  });

  it('shows what a user sent with control, bidi and zero-width characters escaped', async () => {
    const r = await fileRequest(fx.store, {
      targetName: 'db6',
      reason: 'fix \u202Egnp.exe\u202C now\u200B',
    });
    const page = await get('ann', `/requests/${r.id}`);
    expect(page.body).toContain('fix \\u202egnp.exe\\u202c now\\u200b');
    expect(page.body).not.toMatch(/[\u202a-\u202e\u200b]/);
  });

  it('shows an extension request with the grant’s mode and patterns: what the approver extends', async () => {
    const [nda] = await fx.store.ndas.list({ userName: 'alice' });
    await ensureTarget(fx.store, 'db7');
    const now = Date.now();
    const grant = await fx.store.grants.add(
      {
        userName: 'alice',
        targetName: 'db7',
        ndaId: nda!.id,
        startsAt: now - 60_000,
        endsAt: now + 3_600_000,
        mode: 'commands',
        allowlist: ['systemctl restart {word}'],
        reason: 'CHG-9',
      },
      30 * 24 * 3_600_000,
      now,
      'admin',
    );
    const r = await fileRequest(fx.store, {
      kind: 'extend',
      targetName: 'db7',
      grantId: grant.id,
      mode: { kind: 'allowlist', patterns: grant.allowlist },
      durationMs: 3_600_000,
    });
    for (const path of [`/requests/${r.id}`, '/requests']) {
      const page = await get('ann', path);
      expect(page.body).toContain(`more time on grant ${grant.id}: allowlist`);
      expect(page.body).toContain('<code>systemctl restart {word}</code>');
    }
  });

  it('answers 404 for an unknown request and 405 for a GET of a decision', async () => {
    expect((await get('ann', '/requests/999999')).status).toBe(404);
    expect((await get('ann', '/requests/1/approve')).status).toBe(405);
    expect((await get('ann', '/requests/01')).status).toBe(404);
  });
});

describe('with web.publicUrl', () => {
  it('links the request page at the public address', async () => {
    const pub = await startWebFixture({
      publicUrl: 'https://review.example.com',
      requestRules: () => REQUEST_RULES,
    });
    try {
      await addAccounts(pub.store);
      const r = await fileRequest(pub.store);
      const page = await raw(pub.base, 'GET', `/requests/${r.id}`, {
        Cookie: await login(pub.base, 'ann'),
      });
      expect(page.body).toContain(`href="https://review.example.com/requests/${r.id}"`);
    } finally {
      await pub.close();
    }
  });
});
