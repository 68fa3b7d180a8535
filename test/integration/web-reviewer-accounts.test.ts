/**
 * `gatehouse reviewer disable | enable | reset-password | remove` (issue 15), through the CLI
 * against the store the review page serves from, checked over HTTP: each logs the account out at
 * once, a disabled or removed account cannot log in by password or link, and each is audited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reviewerCli } from './reviewer-cli.js';
import { cookieOf, postForm, raw, startWebFixture, type WebFixture } from './web-fixture.js';

let fx: WebFixture;
/** dora's password and a link made before she was disabled (the first tests share them). */
const dora = { password: '', link: '' };

beforeAll(async () => {
  fx = await startWebFixture();
});
afterAll(async () => {
  await fx.close();
});

const cli = (args: readonly string[], json = false): ReturnType<typeof reviewerCli> =>
  reviewerCli(fx, args, { json });

/** A new account with a generated password. */
async function account(name: string): Promise<string> {
  const added = await cli(['reviewer', 'add', name], true);
  expect(added.error).toBeNull();
  return (JSON.parse(added.stdout) as { password: string }).password;
}

let sources = 0;
/** Each login from a source of its own (127.15.0.N): the refusals here must not add up to the throttle. */
const passwordLogin = (name: string, password: string): ReturnType<typeof postForm> =>
  postForm(fx.base, '/login', { name, password }, { Origin: fx.base }, `127.15.0.${++sources}`);

async function loggedIn(name: string, password: string): Promise<string> {
  const res = await passwordLogin(name, password);
  expect(res.status).toBe(303);
  return cookieOf(res)!;
}

/** The home page as that cookie sees it: 200 while its session lives, 401 after. */
const home = async (cookie: string): Promise<number> =>
  (await raw(fx.base, 'GET', '/', { Cookie: cookie })).status;

/** A one-time link's token, made by `reviewer link`. */
async function linkToken(name: string): Promise<string> {
  const link = await cli(['reviewer', 'link', name]);
  expect(link.error).toBeNull();
  return new URL(link.stdout.trim()).searchParams.get('token')!;
}

const events = (type: string): ReturnType<WebFixture['store']['audit']['list']> =>
  fx.store.audit.list({ type });

describe('gatehouse reviewer disable | enable', () => {
  it('disable logs the account out at once; neither its password nor a link it had logs in', async () => {
    const password = (dora.password = await account('dora'));
    const first = await loggedIn('dora', password);
    const second = await loggedIn('dora', password);
    const link = (dora.link = await linkToken('dora'));
    expect(await home(first)).toBe(200);

    const disabled = await cli(['reviewer', 'disable', 'dora']);
    expect(disabled).toEqual({ stdout: 'dora: disabled (2 web sessions ended)\n', error: null });
    expect(await home(first)).toBe(401);
    expect(await home(second)).toBe(401);

    const refused = await passwordLogin('dora', password);
    expect(refused.status).toBe(403);
    expect(refused.body).toContain('This account is disabled.');
    expect(cookieOf(refused)).toBeNull();
    expect((await postForm(fx.base, '/login/link', { token: link })).status).toBe(401);
    expect((await cli(['reviewer', 'link', 'dora'])).error).toBe(
      'invalid: reviewer: "dora" is disabled; enable it first',
    );

    const event = (await events('reviewer.disable')).at(-1);
    expect(event).toMatchObject({
      actor: 'admin',
      payload: { reviewer: 'dora', sessionsEnded: 2 },
    });
    const failures = await events('reviewer.login.failure');
    expect(failures.at(-2)?.payload).toMatchObject({ login: 'dora', reason: 'reviewer.disabled' });
    const list = JSON.parse((await cli(['reviewer', 'list'], true)).stdout) as {
      name: string;
      disabledAt: string | null;
    }[];
    expect(list.find((r) => r.name === 'dora')?.disabledAt).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('disable again changes nothing; enable lets the password in again, but not the old link', async () => {
    const before = await fx.store.audit.list();
    expect(await cli(['reviewer', 'disable', 'dora'])).toEqual({
      stdout: 'dora: already disabled\n',
      error: null,
    });
    expect(await fx.store.audit.list()).toEqual(before);

    const enabled = await cli(['reviewer', 'enable', 'dora'], true);
    expect(JSON.parse(enabled.stdout)).toEqual({
      reviewer: 'dora',
      changed: true,
      sessionsEnded: 0,
    });
    const event = (await events('reviewer.enable')).at(-1);
    expect(event).toMatchObject({ actor: 'admin', payload: { reviewer: 'dora' } });
    const login = await fx.store.reviewers.findByName('dora');
    expect(login?.reviewer.disabledAt).toBeNull();
    // The password works again; the link made before disabling does not, a fresh one does.
    expect(await home(await loggedIn('dora', dora.password))).toBe(200);
    expect((await postForm(fx.base, '/login/link', { token: dora.link })).status).toBe(401);
    const fresh = await linkToken('dora');
    expect((await postForm(fx.base, '/login/link', { token: fresh })).status).toBe(303);
  });
});

describe('gatehouse reviewer reset-password', () => {
  it('prints a new password that logs in, and ends the sessions of the old one', async () => {
    const old = await account('pat');
    const cookie = await loggedIn('pat', old);
    const reset = await cli(['reviewer', 'reset-password', 'pat']);
    expect(reset.error).toBeNull();
    const [summary, passwordLine] = reset.stdout.trimEnd().split('\n');
    expect(summary).toBe('pat: password reset (1 web session ended)');
    const fresh = /^password (\S{24})$/.exec(passwordLine ?? '')?.[1];
    expect(fresh).toBeDefined();
    expect(await home(cookie)).toBe(401);
    expect((await passwordLogin('pat', old)).status).toBe(401);
    expect(await home(await loggedIn('pat', fresh!))).toBe(200);

    const event = (await events('reviewer.password.reset')).at(-1);
    expect(event).toMatchObject({ actor: 'admin', payload: { reviewer: 'pat', sessionsEnded: 1 } });
    expect(JSON.stringify(event)).not.toContain(fresh!);
  });

  it('gives a link-only account a password', async () => {
    expect((await cli(['reviewer', 'add', 'lin', '--no-password'])).error).toBeNull();
    const reset = await cli(['reviewer', 'reset-password', 'lin'], true);
    const { password } = JSON.parse(reset.stdout) as { password: string };
    expect((await passwordLogin('lin', password)).status).toBe(303);
  });
});

describe('gatehouse reviewer remove', () => {
  it('deletes the account: its sessions and links end, it is gone from the list, its name is free', async () => {
    const password = await account('rem');
    const cookie = await loggedIn('rem', password);
    const link = await linkToken('rem');
    const removed = await cli(['reviewer', 'remove', 'rem']);
    expect(removed).toEqual({ stdout: 'rem: removed (1 web session ended)\n', error: null });
    expect(await home(cookie)).toBe(401);
    expect((await passwordLogin('rem', password)).status).toBe(401);
    expect((await postForm(fx.base, '/login/link', { token: link })).status).toBe(401);
    const names = (
      JSON.parse((await cli(['reviewer', 'list'], true)).stdout) as { name: string }[]
    ).map((r) => r.name);
    expect(names).not.toContain('rem');
    const event = (await events('reviewer.remove')).at(-1);
    expect(event).toMatchObject({ actor: 'admin', payload: { reviewer: 'rem', sessionsEnded: 1 } });
    // A new account of that name is a new account: the old password does not open it.
    const again = await account('rem');
    expect(again).not.toBe(password);
    expect((await passwordLogin('rem', password)).status).toBe(401);
  });

  it('refuses an unknown or malformed name on every account command, changing nothing', async () => {
    const before = await fx.store.audit.list();
    for (const command of ['disable', 'enable', 'reset-password', 'remove']) {
      expect((await cli(['reviewer', command, 'ghost'])).error).toBe(
        'not_found: reviewer: no reviewer named "ghost"',
      );
      expect((await cli(['reviewer', command, 'Ghost'])).error).toMatch(/^usage: reviewer name/);
    }
    expect(await fx.store.audit.list()).toEqual(before);
  });
});

describe('gatehouse reviewer link', () => {
  it('prints the link under web.publicUrl when it is set', async () => {
    const link = await reviewerCli(fx, ['reviewer', 'link', 'dora'], {
      publicUrl: 'https://review.example.com',
    });
    expect(link.error).toBeNull();
    expect(link.stdout).toMatch(/^https:\/\/review\.example\.com\/login\/link\?token=[\w-]+\n$/);
  });
});
