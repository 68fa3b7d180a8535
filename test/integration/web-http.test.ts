import { randomUUID } from 'node:crypto';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionId } from '../../src/core/model.js';
import { newLoginToken } from '../../src/web/auth.js';
import { tempDir } from '../helpers/tmp.js';
import { sessionEndEvent, sessionStartEvent } from '../helpers/session-events.js';
import {
  PASSWORD,
  REVIEWER,
  cookieOf,
  login,
  postAs,
  postForm,
  raw,
  startWebFixture,
  type WebFixture,
} from './web-fixture.js';

let fx: WebFixture;
let cookie: string;

beforeAll(async () => {
  fx = await startWebFixture();
  cookie = await login(fx.base);
});
afterAll(async () => {
  await fx.close();
});

const get = (path: string, withCookie = true) =>
  raw(fx.base, 'GET', path, withCookie ? { Cookie: cookie } : {});

async function reviewViews(): Promise<Record<string, unknown>[]> {
  return (await fx.store.audit.list({ type: 'review.view' })).map((e) => ({
    actor: e.actor,
    ...e.payload,
  }));
}

describe('without a reviewer login', () => {
  it('answers 401 on every protected route, unknown paths included', async () => {
    const paths = [
      '/',
      '/?user=alice',
      '/search?q=needle',
      `/sessions/${fx.alice.id}`,
      `/sessions/${fx.alice.id}.cast`,
      '/sessions/not-a-uuid',
      '/nothing-here',
    ];
    for (const path of paths) {
      for (const headers of [{}, { Cookie: 'gatehouse_review=' + 'x'.repeat(43) }]) {
        const res = await raw(fx.base, 'GET', path, headers);
        expect(res.status, path).toBe(401);
        // The login form carries back the path asked for (its own request), nothing else of it.
        const next = /<input type="hidden" name="next" value="[^"]*" \/>/g;
        const body = res.body.replace(next, '');
        expect(body, path).not.toContain('needle');
        expect(body, path).not.toContain('alice');
      }
    }
    const cast = await get(`/sessions/${fx.alice.id}.cast`, false);
    expect(cast.headers['content-type']).toMatch(/^text\/plain/);
    const page = await get('/', false);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('action="/login"');
  });

  it('serves the login page with strict security headers', async () => {
    const res = await get('/login', false);
    expect(res.status).toBe(200);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.body).not.toMatch(/<script>|<style>|style=/);
  });

  it('refuses requests naming another host (DNS rebinding)', async () => {
    const res = await raw(fx.base, 'GET', '/login', { Host: `evil.example:${fx.server.port}` });
    expect(res.status).toBe(421);
  });
});

describe('password login', () => {
  it('fails with a wrong password or an unknown name, and sets no cookie', async () => {
    for (const form of [
      { name: REVIEWER, password: 'wrong password here' },
      { name: 'nobody', password: PASSWORD },
      { name: 'RITA', password: PASSWORD },
    ]) {
      // From a source of its own: failures count against their source (web-login.test.ts).
      const res = await postForm(fx.base, '/login', form, { Origin: fx.base }, '127.0.0.2');
      expect(res.status).toBe(401);
      expect(res.headers['set-cookie']).toBeUndefined();
      expect(res.body).toContain('Wrong name or password.');
    }
  });

  it('refuses a cross-site or origin-less post even with the right password', async () => {
    const form = { name: REVIEWER, password: PASSWORD };
    for (const headers of [
      { Origin: 'http://evil.example' },
      {},
      { Origin: 'null' },
      { Origin: fx.base, 'Sec-Fetch-Site': 'cross-site' },
      { Origin: fx.base, 'Sec-Fetch-Site': 'same-site' },
    ]) {
      const res = await postForm(fx.base, '/login', form, headers);
      expect(res.status).toBe(403);
      expect(cookieOf(res)).toBeNull();
    }
  });

  it('sets an HttpOnly SameSite=Strict cookie; logout ends the session', async () => {
    const res = await postForm(fx.base, '/login', { name: REVIEWER, password: PASSWORD });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/');
    const set = String(res.headers['set-cookie']);
    expect(set).toMatch(/HttpOnly/);
    expect(set).toMatch(/SameSite=Strict/);
    expect(set).toMatch(/Path=\//);
    expect(set).not.toMatch(/Secure/); // served over http (web.publicUrl not https)
    const mine = cookieOf(res)!;
    expect((await raw(fx.base, 'GET', '/', { Cookie: mine })).status).toBe(200);
    // Logging out changes something: the session's form token is needed, as for any post.
    for (const form of [{}, { csrf: 'x'.repeat(43) }]) {
      const refused = await postForm(fx.base, '/logout', form, { Cookie: mine, Origin: fx.base });
      expect(refused.status).toBe(403);
      expect((await raw(fx.base, 'GET', '/', { Cookie: mine })).status).toBe(200);
    }
    const out = await postAs(fx.base, mine, '/logout');
    expect(out.status).toBe(303);
    expect((await raw(fx.base, 'GET', '/', { Cookie: mine })).status).toBe(401);
  });
});

describe('one-time login links', () => {
  it('log in once; the second use, an unknown and an expired token fail', async () => {
    const { token, sha256 } = newLoginToken();
    await fx.store.reviewers.addLoginToken(REVIEWER, sha256, Date.now() + 60_000, 'admin');
    const page = await get(`/login/link?token=${token}`, false);
    expect(page.status).toBe(200);
    expect(page.body).toContain('action="/login/link"');
    const first = await postForm(fx.base, '/login/link', { token });
    expect(first.status).toBe(303);
    const linkCookie = cookieOf(first)!;
    expect((await raw(fx.base, 'GET', '/', { Cookie: linkCookie })).status).toBe(200);
    // Bad links count as failures of their source: these come from one of their own.
    const fromOther = (form: Record<string, string>) =>
      postForm(fx.base, '/login/link', form, { Origin: fx.base }, '127.0.0.3');
    const second = await fromOther({ token });
    expect(second.status).toBe(401);
    expect(cookieOf(second)).toBeNull();

    const expired = newLoginToken();
    await fx.store.reviewers.addLoginToken(REVIEWER, expired.sha256, Date.now() - 1, 'admin');
    expect((await fromOther({ token: expired.token })).status).toBe(401);
    expect((await fromOther({ token: newLoginToken().token })).status).toBe(401);
    const crossSite = newLoginToken();
    await fx.store.reviewers.addLoginToken(
      REVIEWER,
      crossSite.sha256,
      Date.now() + 60_000,
      'admin',
    );
    const evil = { Origin: 'http://evil.example' };
    expect((await postForm(fx.base, '/login/link', { token: crossSite.token }, evil)).status).toBe(
      403,
    );
  });
});

describe('as a reviewer', () => {
  it('lists sessions with user, target, grant, duration, size and end reason; filters work', async () => {
    const all = await get('/');
    expect(all.status).toBe(200);
    expect(all.body).toContain(`/sessions/${fx.alice.id}`);
    expect(all.body).toContain(`/sessions/${fx.bob.id}`);
    expect(all.body).toContain('closed');
    const alice = await get('/?user=alice');
    expect(alice.body).toContain(fx.alice.id);
    expect(alice.body).not.toContain(fx.bob.id);
    const web2 = await get(`/?target=web2&grant=${fx.bob.grantId}`);
    expect(web2.body).toContain(fx.bob.id);
    expect(web2.body).not.toContain(fx.alice.id);
    const day = new Date(fx.alice.startedAt).toISOString().slice(0, 10);
    expect((await get(`/?from=${day}&to=${day}`)).body).toContain(fx.alice.id);
    expect((await get('/?to=2000-01-01')).body).not.toContain(fx.alice.id);
    const bad = await get('/?user=%3Cscript%3Ealert(1)%3C%2Fscript%3E');
    expect(bad.body).not.toContain('<script>alert(1)</script>');
    expect(bad.body).toContain('&lt;script&gt;');
    expect(bad.body).toContain('class="error"');
  });

  it('shows a session page: grant, NDA, audit events, markers, player', async () => {
    const res = await get(`/sessions/${fx.alice.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toContain('INC-4211');
    expect(res.body).toContain('Acme contractor NDA for alice');
    expect(res.body).toContain('NDA-2026-alice');
    expect(res.body).toContain('ab'.repeat(32));
    expect(res.body).toContain('session.start');
    expect(res.body).toContain('session.end');
    expect(res.body).toMatch(/data-seek="5\.000"[^>]*>[^<]*<\/button>\s*<span class="mono">uptime/);
    expect(res.body).toContain(`data-cast="/sessions/${fx.alice.id}.cast"`);
    expect(res.body).toContain('/assets/asciinema-player.min.js');
  });

  it('downloads the .cast file exactly as recorded', async () => {
    const res = await get(`/sessions/${fx.alice.id}.cast`);
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="${fx.alice.id}.cast"`);
    const lines = res.body.trimEnd().split('\n');
    expect(JSON.parse(lines[0]!)).toMatchObject({ version: 2, width: 80, height: 24 });
    expect(res.body).toContain('needle-in-haystack');
  });

  it('answers 404 for ids that are not UUIDs, unknown sessions and path tricks', async () => {
    const paths = [
      '/sessions/123',
      `/sessions/${fx.alice.id.toUpperCase()}`,
      `/sessions/${fx.alice.id}x`,
      `/sessions/${fx.alice.id}.castx`,
      `/sessions/${fx.alice.id}/`,
      `/sessions/${randomUUID()}`,
      `/sessions/${randomUUID()}.cast`,
      '/sessions/..%2F..%2F..%2Fetc%2Fpasswd',
      '/sessions/..%2F..%2Fgatehouse.db',
      '/sessions/%2e%2e/%2e%2e/etc/passwd.cast',
      '/sessions/../../../../etc/passwd',
      '/sessions/....//....//etc/passwd.cast',
      '/assets/../gatehouse.db',
      '/assets/%2e%2e%2fpackage.json',
    ];
    for (const path of paths) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(res.body, path).not.toContain('root:');
    }
  });

  it('serves no recording whose stored path leads outside the recordings folder', async () => {
    const outside = await tempDir('gatehouse-outside-');
    await writeFile(join(outside, 'secret.cast'), 'SECRET-OUTSIDE\n');
    await mkdir(join(fx.recordingsDir, 'evil'), { recursive: true });
    await symlink(join(outside, 'secret.cast'), join(fx.recordingsDir, 'evil', 'link.cast'));
    const [alice] = await fx.store.users.list();
    const target = await fx.store.targets.findByName('db1');
    for (const recordingPath of [
      join(outside, 'secret.cast'),
      '../../' + outside + '/secret.cast',
      'evil/link.cast',
    ]) {
      const id = randomUUID() as SessionId;
      await fx.store.sessions.start(
        {
          id,
          grantId: fx.alice.grantId,
          userId: alice!.id,
          targetId: target!.id,
          startedAt: Date.now(),
          recordingPath,
        },
        sessionStartEvent({ sessionId: id, grantId: fx.alice.grantId }),
        'test',
      );
      expect((await get(`/sessions/${id}.cast`)).status, recordingPath).toBe(404);
      const page = await get(`/sessions/${id}`);
      expect(page.status).toBe(200);
      expect(page.body).toContain('No recording is available');
      expect(page.body).not.toContain('SECRET-OUTSIDE');
    }
  });

  it('finds recorded output and links to the moment it appeared', async () => {
    const res = await get('/search?q=NEEDLE-in');
    expect(res.status).toBe(200);
    const links = [...res.body.matchAll(/href="\/sessions\/([0-9a-f-]{36})#t=([0-9.]+)"/g)];
    expect(links.length).toBeGreaterThanOrEqual(2);
    expect(links.every((m) => m[1] === fx.alice.id)).toBe(true);
    // Typed one key at a time from t=1s (0.1 s per key): "echo needle-in" ends at 2.3 s.
    expect(Number(links[0]![2])).toBeCloseTo(2.3, 3);
    expect(Number(links[1]![2])).toBeCloseTo(4, 3);
    expect(res.body).toContain('<mark>needle-in</mark>');
    expect((await get('/search?q=index.html')).body).toContain(fx.bob.id);
    expect((await get('/search?q=%3Cb%3E')).body).not.toContain('<b>');
    expect((await get('/search?q=no-such-words-here')).body).toContain('No matches.');
  });

  it('takes FTS5 query syntax as plain text and refuses a control character with a 400, never a 500', async () => {
    for (const q of ['"needle-in', 'NEAR(needle in)', 'body:needle', 'needle*', '^needle', '"""']) {
      const res = await get(`/search?q=${encodeURIComponent(q)}`);
      expect([q, res.status]).toEqual([q, 200]);
      expect(res.body).toContain('No matches.');
    }
    for (const q of ['%00needle-in', 'needle%00-in', 'needle%1B-in']) {
      const res = await get(`/search?q=${q}`);
      expect([q, res.status]).toEqual([q, 400]);
      expect(res.body).toContain('The search text must not contain control characters.');
    }
  });

  it('writes a review.view audit event for each list, page, download and search', async () => {
    const before = (await reviewViews()).length;
    await get('/?user=alice');
    await get(`/sessions/${fx.bob.id}`);
    await get(`/sessions/${fx.bob.id}.cast`);
    await get('/search?q=index');
    const views = (await reviewViews()).slice(before);
    expect(views).toEqual([
      expect.objectContaining({
        actor: `reviewer:${REVIEWER}`,
        reviewer: REVIEWER,
        view: 'list',
        filters: { user: 'alice' },
      }),
      expect.objectContaining({ view: 'session', sessionId: fx.bob.id }),
      expect.objectContaining({ view: 'cast', sessionId: fx.bob.id }),
      expect.objectContaining({ view: 'search', query: 'index', sessionIds: [fx.bob.id] }),
    ]);
    // A 404 is not a view.
    await get(`/sessions/${randomUUID()}`);
    expect((await reviewViews()).length).toBe(before + 4);
    expect(await fx.store.audit.verify()).toMatchObject({ ok: true });
  });
});

describe('recording verification on the session page', () => {
  const entities: Record<string, string> = { lt: '<', gt: '>', quot: '"', '#39': "'", amp: '&' };
  /** The status line's text as a browser shows it: tags removed, entities decoded, spaces collapsed. */
  const statusOf = (body: string): string =>
    (/<p id="recording-status"[^>]*>([\s\S]*?)<\/p>/.exec(body)?.[1] ?? '')
      .replace(/<[^>]+>/g, '')
      .replace(/&(lt|gt|quot|#39|amp);/g, (_, e: string) => entities[e] ?? '')
      .replace(/\s+/g, ' ')
      .trim();

  it('says verified for an intact recording, NOT verified once its .cast file is edited', async () => {
    const s = await fx.seed({
      user: 'carol',
      target: 'db1',
      startedAt: Date.now() - 60_000,
      steps: [[0.5, 'o', 'carol@db1:~$ uptime\r\n up 3 days\r\n']],
    });
    const row = (await fx.store.sessions.get(s.id))!;
    const before = await get(`/sessions/${s.id}`);
    expect(statusOf(before.body)).toBe(
      `Recording verified: sha256 ${row.sha256} matches the signed manifest and the audit chain`,
    );

    const file = join(fx.recordingsDir, ...row.recordingPath!.split('/'));
    await writeFile(file, (await readFile(file, 'utf8')).replace('3 days', '4 days'));
    const after = await get(`/sessions/${s.id}`);
    expect(after.status).toBe(200);
    expect(statusOf(after.body)).toMatch(
      /^Recording NOT verified: file sha256 [0-9a-f]{64} differs from the manifest's \(content edited\)$/,
    );
  });

  it('says in progress for a live session, and escapes the problem it reports', async () => {
    const [user] = await fx.store.users.list();
    const target = (await fx.store.targets.findByName('db1'))!;
    const start = async (recordingPath: string): Promise<SessionId> => {
      const id = randomUUID() as SessionId;
      await fx.store.sessions.start(
        {
          id,
          grantId: fx.alice.grantId,
          userId: user!.id,
          targetId: target.id,
          startedAt: Date.now(),
          recordingPath,
        },
        sessionStartEvent({ sessionId: id, grantId: fx.alice.grantId }),
        'test',
      );
      return id;
    };
    const live = await start(`2026/01/01/${randomUUID()}.cast`);
    expect(statusOf((await get(`/sessions/${live}`)).body)).toBe('Recording in progress');

    const odd = await start('<b>not-a-recording</b>');
    await fx.store.sessions.end(
      odd,
      { endedAt: Date.now(), reason: 'closed', exitStatus: 0, bytes: 1, sha256: 'ab'.repeat(32) },
      sessionEndEvent({ sessionId: odd, grantId: fx.alice.grantId }),
      'test',
    );
    const page = (await get(`/sessions/${odd}`)).body;
    expect(statusOf(page)).toBe(
      'Recording NOT verified: the session row\'s recording path "<b>not-a-recording</b>" is not this session\'s recording',
    );
    expect(page).toContain('&quot;&lt;b&gt;not-a-recording&lt;/b&gt;&quot;');
    expect(page).not.toContain('<b>not-a-recording');
  });
});
