/**
 * After login, back to the page that was asked for (issue 15): a page opened while logged out
 * carries its path through the login form as `next`; only same-site paths are followed, so a
 * crafted login link cannot send a reviewer to another site (open redirect).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newLoginToken } from '../../src/web/auth.js';
import {
  cookieOf,
  PASSWORD,
  postForm,
  raw,
  REVIEWER,
  startWebFixture,
  type WebFixture,
} from './web-fixture.js';

let fx: WebFixture;
let sources = 0;

beforeAll(async () => {
  fx = await startWebFixture();
});
afterAll(async () => {
  await fx.close();
});

/** The hidden `next` of the login form on a page, or null when it has none. */
const nextField = (body: string): string | null =>
  /<input type="hidden" name="next" value="([^"]*)"/.exec(body)?.[1] ?? null;

/** Logs in with that `next` (from a source of its own: no throttle) and returns where it goes. */
async function loginTo(next: string): Promise<string> {
  const res = await postForm(
    fx.base,
    '/login',
    { name: REVIEWER, password: PASSWORD, next },
    { Origin: fx.base },
    `127.16.0.${++sources}`,
  );
  expect(res.status).toBe(303);
  expect(cookieOf(res)).not.toBeNull();
  return String(res.headers.location);
}

describe('after login, back to the page that was asked for', () => {
  it('a session page opened while logged out keeps its path in the login form, and login goes there', async () => {
    const path = `/sessions/${fx.alice.id}`;
    const asked = await raw(fx.base, 'GET', path);
    expect(asked.status).toBe(401);
    expect(nextField(asked.body)).toBe(path);
    expect(await loginTo(path)).toBe(path);
    const filtered = await raw(fx.base, 'GET', '/?user=alice&target=db1');
    expect(nextField(filtered.body)).toBe('/?user=alice&amp;target=db1');
    expect(await loginTo('/?user=alice&target=db1')).toBe('/?user=alice&target=db1');
  });

  it.each([
    ['an absolute URL', 'https://evil.example/sessions'],
    ['a scheme-relative URL', '//evil.example/'],
    ['a backslash host', '/\\evil.example/'],
    ['a tab that browsers strip', '/\t/evil.example/'],
    ['a javascript: URL', 'javascript:alert(document.cookie)'],
    ['the login page itself', '/login'],
  ])('refuses %s: login goes home', async (_what, next) => {
    expect(await loginTo(next)).toBe('/');
    const form = await raw(fx.base, 'GET', `/login?next=${encodeURIComponent(next)}`);
    expect(form.status).toBe(200);
    expect(nextField(form.body)).toBeNull();
  });

  it('a wrong password keeps the page asked for in the form', async () => {
    const path = `/sessions/${fx.bob.id}`;
    const res = await postForm(
      fx.base,
      '/login',
      { name: REVIEWER, password: 'wrong password', next: path },
      { Origin: fx.base },
      `127.16.1.${++sources}`,
    );
    expect(res.status).toBe(401);
    expect(nextField(res.body)).toBe(path);
  });

  it('a one-time link carries next through its confirmation page, same-site only', async () => {
    const path = `/sessions/${fx.bob.id}`;
    for (const [next, expected] of [
      [path, path],
      ['//evil.example/', '/'],
    ] as const) {
      const { token, sha256 } = newLoginToken();
      await fx.store.reviewers.addLoginToken(REVIEWER, sha256, Date.now() + 60_000, 'admin');
      const page = await raw(
        fx.base,
        'GET',
        `/login/link?token=${token}&next=${encodeURIComponent(next)}`,
      );
      expect(nextField(page.body)).toBe(expected === '/' ? null : expected);
      const used = await postForm(fx.base, '/login/link', { token, next });
      expect(used.status).toBe(303);
      expect(used.headers.location).toBe(expected);
    }
  });
});
