/**
 * Watching a live session (issue 15), every part real: a real ssh session through the bastion
 * (node-pty), followed by `gatehouse session watch` in another process and by the review page's
 * player in Chromium, and ended from the page by an approver with a reason the user sees.
 */
import { spawn } from 'node:child_process';
import { request, type IncomingMessage } from 'node:http';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GrantId, SessionId } from '../../src/core/model.js';
import { hashPassword } from '../../src/web/password.js';
import { startBastion, type BastionFixture } from '../helpers/bastion.js';
import { chromiumAvailable, launchBrowser, type TestBrowser } from '../helpers/browser.js';
import { eventually } from '../helpers/eventually.js';
import { ptySsh, type PtySsh } from '../helpers/ssh-client.js';
import { BIN } from './cli-harness.js';
import { login, PASSWORD, postAs, raw } from './web-fixture.js';

let b: BastionFixture;
let browser: TestBrowser | undefined;
let page: Page;

beforeAll(async () => {
  b = await startBastion({ extraConfig: ['web:', '  listen: 127.0.0.1:0'].join('\n') });
  const hash = await hashPassword(PASSWORD);
  await b.store.reviewers.add('vera', hash, 'test-admin', ['reviewer', 'approver']);
  await b.store.reviewers.add('rita', hash, 'test-admin', ['reviewer']);
  await b.store.reviewers.add('abe', hash, 'test-admin', ['approver']);
  if (chromiumAvailable()) {
    browser = await launchBrowser();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
  }
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await b?.stop();
});

const webBase = (): string => `http://127.0.0.1:${b.running.web?.port ?? 0}`;

async function liveShell(name: string): Promise<{ t: PtySsh; id: SessionId; grantId: GrantId }> {
  const user = await b.userWithGrant(name);
  const t = ptySsh(b.login(user));
  await t.waitFor(/this session is recorded/);
  t.write('echo ready-$((6*7))\r');
  await t.waitFor(/ready-42/);
  const [live] = (await b.store.sessions.list({ live: true })).filter(
    (s) => s.grantId === user.grant.id,
  );
  if (live === undefined) throw new Error('no live session');
  return { t, id: live.id, grantId: user.grant.id };
}

/** `gatehouse session watch` in its own process; stdout collected as it arrives. */
function watch(id: string): { stdout: () => string; stderr: () => string; code: Promise<number> } {
  const child = spawn(process.execPath, [BIN, '--config', b.configPath, 'session', 'watch', id], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
  const code = new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 1)));
  return { stdout: () => out, stderr: () => err, code };
}

describe('gatehouse session watch', () => {
  it('prints what is typed as it happens, sanitised, and exits 0 when the session ends', async () => {
    const { t, id } = await liveShell('alice');
    try {
      const w = watch(id);
      // The screen so far first, then new output.
      await eventually(
        async () => w.stdout(),
        (s) => s.includes('ready-42'),
      );
      t.write("printf '\\033]0;pwned-title\\007'; echo typed-$((7*6))\r");
      await eventually(
        async () => w.stdout(),
        (s) => s.includes('typed-42'),
      );
      expect(w.stdout()).not.toContain('\u001b]0;');
      expect(w.stdout()).toContain('⟦OSC 0: pwned-title⟧');
      t.write('exit\r');
      expect(await t.exited).toBe(0);
      expect(await w.code).toBe(0);
      expect(w.stderr()).toBe('');
    } finally {
      t.kill();
    }
    expect(await b.auditTypes('review.view')).toContainEqual({
      sessionId: id,
      via: 'cli',
      watch: true,
    });
  });

  it('refuses an ended session with one line, exit 1; --json is a usage error', async () => {
    const { t, id } = await liveShell('bob');
    t.write('exit\r');
    await t.exited;
    await eventually(
      async () => (await b.store.sessions.get(id))?.endedAt ?? null,
      (endedAt) => endedAt !== null,
    );
    const json = await b.cli(['--json', 'session', 'watch', id]);
    expect([json.code, json.stderr]).toEqual([
      2,
      'gatehouse: --json: session watch prints the terminal as it happens; use `replay --json`\n',
    ]);
    const w = watch(id);
    expect(await w.code).toBe(1);
    expect(w.stderr()).toMatch(
      /^gatehouse: session: .* already ended at .*; use `gatehouse replay /,
    );
    expect(w.stderr().trim().split('\n')).toHaveLength(1);
  });
});

describe.skipIf(!chromiumAvailable())('the review page of a live session', () => {
  const terminalText = (): Promise<string> => page.locator('.ap-term .ap-term-text').innerText();

  beforeAll(async () => {
    await page.goto(`${webBase()}/login`);
    await page.fill('input[name="name"]', 'vera');
    await page.fill('input[name="password"]', PASSWORD);
    await Promise.all([page.waitForURL(`${webBase()}/`), page.click('button[type="submit"]')]);
  });

  it('streams the session: the screen so far, then typed text within 2 s', async () => {
    const { t, id } = await liveShell('carol');
    try {
      await page.goto(`${webBase()}/sessions/${id}`);
      await page.locator('.ap-term').waitFor({ state: 'visible', timeout: 30_000 });
      await expect.poll(terminalText, { timeout: 10_000 }).toContain('ready-42');
      t.write('echo seen-$((6*7))-live\r');
      await t.waitFor(/seen-42-live/);
      await expect.poll(terminalText, { timeout: 2_000, interval: 50 }).toContain('seen-42-live');
      t.write('exit\r');
      await t.exited;
    } finally {
      t.kill();
    }
    expect(await b.auditTypes('review.view')).toContainEqual({
      reviewer: 'vera',
      view: 'live',
      sessionId: id,
    });
  });

  it('an approver ends the session with a reason: the user sees it and ssh exits 255', async () => {
    const { t, id } = await liveShell('dave');
    try {
      await page.goto(`${webBase()}/sessions/${id}`);
      await page.fill('#end-session input[name="reason"]', 'INC-7 contained');
      await Promise.all([
        page.waitForURL(`${webBase()}/sessions/${id}`),
        page.click('#end-session button[type="submit"]'),
      ]);
      expect(await t.exited).toBe(255);
      expect(t.output()).toContain(
        'gatehouse: session ended by an administrator: "INC-7 contained"',
      );
    } finally {
      t.kill();
    }
    const kills = await b.store.audit.list({ type: 'session.kill' });
    expect(kills.map((k) => [k.actor, k.payload])).toContainEqual([
      'reviewer:vera',
      { sessionId: id, reason: 'INC-7 contained' },
    ]);
    const ended = await eventually(
      async () => b.store.sessions.get(id),
      (s) => s?.endedAt !== null,
    );
    expect(ended?.endReason).toBe('killed');
    // The ended session's page has no end form any more.
    await page.goto(`${webBase()}/sessions/${id}`);
    expect(await page.locator('#end-session').count()).toBe(0);
  });
});

const killsOf = async (id: string): Promise<unknown[]> =>
  (await b.auditTypes('session.kill')).filter((p) => p['sessionId'] === id);

/** Opens `/sessions/<id>/live` and resolves at its response headers (the stream stays open). */
function openLive(id: string, cookie: string): Promise<IncomingMessage> {
  const url = new URL(webBase());
  return new Promise((resolve, reject) => {
    request(
      {
        host: url.hostname,
        port: url.port,
        path: `/sessions/${id}/live`,
        headers: { Host: url.host, Cookie: cookie },
      },
      resolve,
    )
      .on('error', reject)
      .end();
  });
}

describe('the live stream and the end form over HTTP', () => {
  it('streams an ended session to its end, then says done', async () => {
    const { t, id } = await liveShell('erin');
    t.write('exit\r');
    await t.exited;
    await eventually(
      async () => (await b.store.sessions.get(id))?.endedAt ?? null,
      (endedAt) => endedAt !== null,
    );
    const res = await raw(webBase(), 'GET', `/sessions/${id}/live`, {
      Cookie: await login(webBase(), 'vera'),
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    const data = res.body
      .split('\n')
      .filter((l) => l.startsWith('data: '))
      .map((l) => JSON.parse(l.slice(6)) as unknown);
    expect(data[0]).toMatchObject({ cols: 100, rows: 30 });
    const output = data
      .filter((d): d is [number, string, string] => Array.isArray(d))
      .map((d) => d[2])
      .join('');
    expect(output).toContain('ready-42');
    expect(res.body.endsWith('event: done\ndata: {}\n\n')).toBe(true);
    // Ending it now is refused with one line, and writes nothing.
    const late = await postAs(webBase(), await login(webBase(), 'vera'), `/sessions/${id}/end`, {
      reason: 'too late',
    });
    expect(late.status).toBe(409);
    expect(late.body).toContain(`session: ${id} has already ended`);
    expect(await killsOf(id)).toEqual([]);
  });

  it('needs the reviewer role to watch and the approver role to end; logged out, a bare 401', async () => {
    const { t, id } = await liveShell('fay');
    try {
      expect((await raw(webBase(), 'GET', `/sessions/${id}/live`)).status).toBe(401);
      const abe = await login(webBase(), 'abe');
      expect((await raw(webBase(), 'GET', `/sessions/${id}/live`, { Cookie: abe })).status).toBe(
        403,
      );
      const rita = await login(webBase(), 'rita');
      const refused = await postAs(webBase(), rita, `/sessions/${id}/end`, { reason: 'no' });
      expect(refused.status).toBe(403);
      // A page without the role shows no end form.
      const shown = await raw(webBase(), 'GET', `/sessions/${id}`, { Cookie: rita });
      expect(shown.body).not.toContain('id="end-session"');
      expect(await killsOf(id)).toEqual([]);
    } finally {
      t.kill();
    }
  });

  it('refuses a post without the form token or with a bad reason, and ends nothing', async () => {
    const { t, id } = await liveShell('gus');
    try {
      const vera = await login(webBase(), 'vera');
      const noToken = await raw(
        webBase(),
        'POST',
        `/sessions/${id}/end`,
        {
          'Content-Type': 'application/x-www-form-urlencoded',
          Origin: webBase(),
          Cookie: vera,
        },
        'reason=done',
      );
      expect(noToken.status).toBe(403);
      const bad = await postAs(webBase(), vera, `/sessions/${id}/end`, { reason: 'a\u001b[2Jb' });
      expect(bad.status).toBe(400);
      expect(bad.body).toContain(
        'reason: contains unprintable characters (control, bidi or zero-width)',
      );
      const empty = await postAs(webBase(), vera, `/sessions/${id}/end`, { reason: '  ' });
      expect(empty.status).toBe(400);
      expect(empty.body).toContain('reason: must not be empty');
      expect(await killsOf(id)).toEqual([]);
      t.write('echo still-$((6*7))\r');
      await t.waitFor(/still-42/);
    } finally {
      t.kill();
    }
  });

  it('ends an open live stream when its account is disabled, or its login ended elsewhere', async () => {
    const hash = await hashPassword(PASSWORD);
    await b.store.reviewers.add('dora', hash, 'test-admin', ['reviewer']);
    await b.store.reviewers.add('lou', hash, 'test-admin', ['reviewer']);
    const { t, id } = await liveShell('ivy');
    const open: IncomingMessage[] = [];
    try {
      const dora = await openLive(id, await login(webBase(), 'dora'));
      const louCookie = await login(webBase(), 'lou');
      const lou = await openLive(id, louCookie);
      open.push(dora, lou);
      let doraText = '';
      dora.on('data', (d: Buffer) => (doraText += d.toString('utf8')));
      const doraClosed = new Promise<void>((done) => dora.on('end', done));
      const louClosed = new Promise<void>((done) => lou.on('end', done));
      lou.resume();
      await eventually(
        async () => doraText,
        (text) => text.includes('ready-42'),
      );
      await b.store.reviewers.setDisabled('dora', true, 'test-admin');
      await doraClosed;
      // Logging out in another tab ends the same login's stream too.
      expect((await postAs(webBase(), louCookie, '/logout', {})).status).toBe(303);
      await louClosed;
      t.write('echo after-$((6*7))-disable\r');
      await t.waitFor(/after-42-disable/);
      expect(doraText).not.toContain('after-42-disable');
    } finally {
      for (const r of open) r.destroy();
      t.kill();
    }
  });

  it('caps the live views one account has open at once', async () => {
    const { t, id } = await liveShell('hal');
    const cookie = await login(webBase(), 'rita');
    const open: IncomingMessage[] = [];
    try {
      for (let i = 0; i < 4; i++) open.push(await openLive(id, cookie));
      expect(open.map((r) => r.statusCode)).toEqual([200, 200, 200, 200]);
      const fifth = await raw(webBase(), 'GET', `/sessions/${id}/live`, { Cookie: cookie });
      expect(fifth.status).toBe(503);
      expect(fifth.body).toBe('too many live views open; close one and reload\n');
      open.pop()?.destroy();
      await eventually(
        async () => (await raw(webBase(), 'GET', `/sessions/${id}`, { Cookie: cookie })).status,
        (status) => status === 200,
      );
      const again = await eventually(
        () => openLive(id, cookie),
        (r) => {
          if (r.statusCode !== 200) r.resume();
          return r.statusCode === 200;
        },
      );
      expect(again.statusCode).toBe(200);
      open.push(again);
    } finally {
      for (const r of open) r.destroy();
      t.kill();
    }
  });
});
