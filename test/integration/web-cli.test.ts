import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reviewerCli } from './reviewer-cli.js';
import { cookieOf, postForm, raw, startWebFixture, type WebFixture } from './web-fixture.js';

let fx: WebFixture;

beforeAll(async () => {
  fx = await startWebFixture();
});
afterAll(async () => {
  await fx.close();
});

const cli = (args: readonly string[], json = false): ReturnType<typeof reviewerCli> =>
  reviewerCli(fx, args, { json });

describe('gatehouse reviewer', () => {
  it('add prints the id and a generated password that logs in; the account is audited', async () => {
    const added = await cli(['reviewer', 'add', 'vera']);
    expect(added.error).toBeNull();
    const [id, passwordLine] = added.stdout.trimEnd().split('\n');
    expect(id).toMatch(/^[1-9][0-9]*$/);
    const password = /^password (\S{24})$/.exec(passwordLine ?? '')?.[1];
    expect(password).toBeDefined();
    const login = await postForm(fx.base, '/login', { name: 'vera', password: password! });
    expect(login.status).toBe(303);
    expect(cookieOf(login)).not.toBeNull();
    const [event] = await fx.store.audit.list({ type: 'reviewer.create', limit: 1 });
    expect(event).toMatchObject({ actor: 'admin', payload: { reviewer: 'vera', password: true } });
    const stored = await fx.store.reviewers.findByName('vera');
    expect(stored?.passwordHash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(stored?.passwordHash).not.toContain(password!);
  });

  it('refuses a taken name and a name that is not canonical', async () => {
    expect((await cli(['reviewer', 'add', 'vera'])).error).toMatch(/^conflict: /);
    expect((await cli(['reviewer', 'add', 'Vera'])).error).toMatch(/^usage: reviewer name/);
    expect((await cli(['reviewer', 'add', 'v\u0435ra'])).error).toMatch(/^usage: /);
  });

  it('--no-password makes an account that only one-time links open', async () => {
    const added = await cli(['reviewer', 'add', 'linky', '--no-password'], true);
    expect(JSON.parse(added.stdout)).toMatchObject({ name: 'linky' });
    expect(JSON.parse(added.stdout)).not.toHaveProperty('password');
    for (const password of ['', 'anything at all']) {
      expect((await postForm(fx.base, '/login', { name: 'linky', password })).status).toBe(401);
    }
    const link = await cli(['reviewer', 'link', 'linky']);
    expect(link.error).toBeNull();
    const url = new URL(link.stdout.trim());
    expect(`${url.protocol}//${url.host}`).toBe(fx.base);
    expect(url.pathname).toBe('/login/link');
    const token = url.searchParams.get('token')!;
    expect((await raw(fx.base, 'GET', `${url.pathname}${url.search}`)).status).toBe(200);
    const first = await postForm(fx.base, '/login/link', { token });
    expect(first.status).toBe(303);
    expect((await postForm(fx.base, '/login/link', { token })).status).toBe(401);

    // Making the link and using it are audit events; the token itself is in neither.
    const [made] = await fx.store.audit.list({ type: 'reviewer.link.create' });
    expect(made).toMatchObject({ actor: 'admin', payload: { reviewer: 'linky' } });
    expect(made!.payload['expiresAt']).toBeGreaterThan(Date.now());
    const logins = await fx.store.audit.list({ type: 'reviewer.login' });
    expect(logins.at(-1)).toMatchObject({
      actor: 'reviewer:linky',
      payload: { reviewer: 'linky', method: 'link' },
    });
    expect(JSON.stringify([made, ...logins])).not.toContain(token);
  });

  it('add --role gives roles; set replaces them (audited, the open session follows); list shows them', async () => {
    const added = await cli(['reviewer', 'add', 'ann', '--role', 'approver'], true);
    expect(JSON.parse(added.stdout)).toMatchObject({ name: 'ann', roles: ['approver'] });
    const both = await cli(
      ['reviewer', 'add', 'bo', '--role', 'approver', '--role', 'reviewer', '--no-password'],
      true,
    );
    expect(JSON.parse(both.stdout)).toMatchObject({ roles: ['reviewer', 'approver'] });

    const password = JSON.parse(added.stdout).password as string;
    const login = await postForm(fx.base, '/login', { name: 'ann', password });
    const cookie = cookieOf(login)!;
    expect((await raw(fx.base, 'GET', '/search?q=x', { Cookie: cookie })).status).toBe(403);
    const set = await cli(['reviewer', 'set', 'ann', '--role', 'reviewer']);
    expect(set).toEqual({ stdout: 'ann: reviewer\n', error: null });
    expect((await raw(fx.base, 'GET', '/search?q=xyz', { Cookie: cookie })).status).toBe(200);
    const [event] = await fx.store.audit.list({ type: 'reviewer.set' });
    expect(event).toMatchObject({
      actor: 'admin',
      payload: { reviewer: 'ann', roles: ['reviewer'], previousRoles: ['approver'] },
    });

    const list = await cli(['reviewer', 'list'], true);
    const roles = Object.fromEntries(
      (JSON.parse(list.stdout) as { name: string; roles: string[] }[]).map((r) => [
        r.name,
        r.roles,
      ]),
    );
    expect(roles).toMatchObject({ ann: ['reviewer'], bo: ['reviewer', 'approver'] });
    const text = (await cli(['reviewer', 'list'])).stdout.split('\n');
    expect(text[0]).toMatch(/^ID\s+NAME\s+ROLES\s+CREATED\s+CREATED BY\s+DISABLED$/);
    expect(text.find((l) => /\bbo\b/.test(l))).toMatch(/\sreviewer,approver\s/);
  });

  it('refuses an unknown role, set without a role, and set on an unknown account, changing nothing', async () => {
    const before = await fx.store.audit.list();
    expect((await cli(['reviewer', 'add', 'cy', '--role', 'admin'])).error).toBe(
      'usage: --role: "admin" is not a role (reviewer or approver)',
    );
    expect(await fx.store.reviewers.findByName('cy')).toBeNull();
    expect((await cli(['reviewer', 'set', 'bo'])).error).toBe(
      'usage: --role: give at least one role',
    );
    expect((await cli(['reviewer', 'set', 'ghost', '--role', 'reviewer'])).error).toBe(
      'not_found: reviewer: no reviewer named "ghost"',
    );
    expect(await fx.store.audit.list()).toEqual(before);
  });

  it('link refuses an unknown reviewer and a lifetime over 24h', async () => {
    expect((await cli(['reviewer', 'link', 'ghost'])).error).toMatch(/^not_found: /);
    expect((await cli(['reviewer', 'link', 'vera', '--for', '2d'])).error).toMatch(/^usage: --for/);
  });
});
