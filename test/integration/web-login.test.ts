/**
 * Reviewer login against the real web server over real HTTP: the password throttle under
 * parallel guessing (counted before the check, per source and per account), the audit trail of
 * logins, failures and logouts, sessions kept in the database across a restart, idle and
 * absolute timeouts, and the Secure cookie over https.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/core/clock.js';
import { LOGIN_THROTTLE } from '../../src/core/reviewer-login.js';
import { openStore } from '../../src/store/open-store.js';
import { hashPassword } from '../../src/web/password.js';
import { tempDir } from '../helpers/tmp.js';
import { serveConfigText, startServe } from './metrics-serve-harness.js';
import {
  PASSWORD,
  REVIEWER,
  cookieOf,
  postAs,
  postForm,
  raw,
  startWebFixture,
  type RawResponse,
  type WebFixture,
} from './web-fixture.js';

/** The system clock plus an offset the test moves forward (or back). */
function travellingClock(): Clock & { advance(ms: number): void; reset(): void } {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    advance: (ms) => {
      offset += ms;
    },
    reset: () => {
      offset = 0;
    },
  };
}

const MINUTE = 60_000;
const { perSource, perAccount } = LOGIN_THROTTLE;

function loginFrom(
  fx: WebFixture,
  source: string,
  name: string,
  password: string,
): Promise<RawResponse> {
  return postForm(fx.base, '/login', { name, password }, { Origin: fx.base }, source);
}

const page = (fx: WebFixture, cookie: string): Promise<number> =>
  raw(fx.base, 'GET', '/', { Cookie: cookie }).then((r) => r.status);

const statuses = (responses: readonly RawResponse[]): Record<number, number> => {
  const counts: Record<number, number> = {};
  for (const r of responses) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return counts;
};

async function eventsOf(fx: WebFixture, type: string): Promise<Record<string, unknown>[]> {
  return (await fx.store.audit.list({ type })).map((e) => ({ actor: e.actor, ...e.payload }));
}

describe('the password throttle', () => {
  const clock = travellingClock();
  let fx: WebFixture;
  beforeAll(async () => {
    fx = await startWebFixture({ clock });
    for (const name of ['tess', 'uma']) {
      await fx.store.reviewers.add(name, await hashPassword(PASSWORD), 'admin');
    }
  });
  afterAll(async () => {
    await fx.close();
  });

  it('25 parallel logins from one source (24 wrong, then the right one): only the first few are checked', async () => {
    const source = '127.0.1.1';
    const guesses = Array.from({ length: 24 }, (_, i) =>
      loginFrom(fx, source, 'tess', `wrong guess ${i}`),
    );
    const responses = await Promise.all([...guesses, loginFrom(fx, source, 'tess', PASSWORD)]);
    const counts = statuses(responses);
    // 401 wrong password, 303 logged in: both are password checks; 429 refused before one.
    expect((counts[401] ?? 0) + (counts[303] ?? 0)).toBeLessThanOrEqual(perSource.failures);
    expect(counts[429]).toBeGreaterThanOrEqual(25 - perSource.failures);
    const wrong = await eventsOf(fx, 'reviewer.login.failure');
    expect(wrong.filter((e) => e['reason'] === 'password.wrong').length).toBeLessThanOrEqual(
      perSource.failures,
    );

    // Throttled: the right password from this source is refused, without a cookie.
    const right = await loginFrom(fx, source, 'tess', PASSWORD);
    expect(right.status).toBe(429);
    expect(cookieOf(right)).toBeNull();
    // One source cannot lock the reviewer out: from another address the password works.
    expect((await loginFrom(fx, '127.0.1.2', 'tess', PASSWORD)).status).toBe(303);
  });

  it('25 parallel wrong logins for one account from 25 sources: the account pauses, then works again', async () => {
    const responses = await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        loginFrom(fx, `127.0.2.${i + 1}`, 'uma', `wrong guess ${i}`),
      ),
    );
    const counts = statuses(responses);
    expect(counts[401]).toBe(perAccount.failures);
    expect(counts[429]).toBe(25 - perAccount.failures);

    // The right password from a fresh source is refused while the account's window lasts...
    expect((await loginFrom(fx, '127.0.3.1', 'uma', PASSWORD)).status).toBe(429);
    // ...other reviewers are not affected...
    expect((await loginFrom(fx, '127.0.3.2', REVIEWER, PASSWORD)).status).toBe(303);
    // ...and once it has passed, the right password logs in.
    clock.advance(perAccount.windowMs + 1000);
    const after = await loginFrom(fx, '127.0.3.1', 'uma', PASSWORD);
    expect(after.status).toBe(303);
    expect(await page(fx, cookieOf(after)!)).toBe(200);
  });

  it('audits a throttled source once per window, not once per refused request', async () => {
    const source = '127.0.4.1';
    for (let i = 0; i < perSource.failures; i++) {
      expect((await loginFrom(fx, source, 'nobody', `guess ${i}`)).status).toBe(401);
    }
    for (let i = 0; i < 5; i++) {
      expect((await loginFrom(fx, source, 'nobody', 'again')).status).toBe(429);
    }
    const mine = (await eventsOf(fx, 'reviewer.login.failure')).filter(
      (e) => e['remoteAddr'] === source,
    );
    expect(mine.map((e) => e['reason'])).toEqual([
      ...Array(perSource.failures).fill('reviewer.unknown'),
      'throttled.source',
    ]);
  });
});

describe('behind a reverse proxy', () => {
  let fx: WebFixture;
  beforeAll(async () => {
    fx = await startWebFixture({ trustedProxies: ['127.0.0.1'], metrics: true });
  });
  afterAll(async () => {
    await fx.close();
  });

  const viaProxy = (forwardedFor: string, password: string): Promise<RawResponse> =>
    postForm(
      fx.base,
      '/login',
      { name: REVIEWER, password },
      { Origin: fx.base, 'X-Forwarded-For': forwardedFor },
      '127.0.0.1',
    );

  it('counts each client by the address a trusted proxy appended, not the proxy', async () => {
    for (let i = 0; i < perSource.failures; i++) {
      expect((await viaProxy('198.51.100.7', `guess ${i}`)).status).toBe(401);
    }
    expect((await viaProxy('198.51.100.7', PASSWORD)).status).toBe(429);
    // What the client itself put in front of the proxy's hop is not believed.
    expect((await viaProxy('203.0.113.99, 198.51.100.7', PASSWORD)).status).toBe(429);
    // Another client behind the same proxy logs in.
    expect((await viaProxy('198.51.100.8', PASSWORD)).status).toBe(303);
    const [login] = await eventsOf(fx, 'reviewer.login');
    expect(login).toMatchObject({ reviewer: REVIEWER, remoteAddr: '198.51.100.8' });
  });

  it('serves /metrics without a login to the host itself, not to a client the proxy forwards', async () => {
    expect((await raw(fx.base, 'GET', '/metrics', {}, undefined, '127.0.0.1')).status).toBe(200);
    const forwarded = await raw(
      fx.base,
      'GET',
      '/metrics',
      { 'X-Forwarded-For': '198.51.100.7' },
      undefined,
      '127.0.0.1',
    );
    expect(forwarded.status).toBe(401);
    expect(forwarded.body).not.toContain('gatehouse_');
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    const source = '127.0.9.1';
    const from = (forwardedFor: string) =>
      postForm(
        fx.base,
        '/login',
        { name: 'nobody', password: 'wrong' },
        { Origin: fx.base, 'X-Forwarded-For': forwardedFor },
        source,
      );
    for (let i = 0; i < perSource.failures; i++) {
      expect((await from(`198.51.100.${20 + i}`)).status).toBe(401);
    }
    expect((await from('198.51.100.99')).status).toBe(429);
  });
});

describe('the audit trail of reviewer logins', () => {
  let fx: WebFixture;
  beforeAll(async () => {
    fx = await startWebFixture();
  });
  afterAll(async () => {
    await fx.close();
  });

  it('records logins, failures and logouts', async () => {
    expect((await loginFrom(fx, '127.0.5.1', REVIEWER, 'not the password')).status).toBe(401);
    const ok = await loginFrom(fx, '127.0.5.1', REVIEWER, PASSWORD);
    expect(ok.status).toBe(303);
    const cookie = cookieOf(ok)!;
    const out = await postAs(fx.base, cookie, '/logout');
    expect(out.status).toBe(303);
    expect(await page(fx, cookie)).toBe(401);

    const failures = await eventsOf(fx, 'reviewer.login.failure');
    expect(failures).toEqual([
      {
        actor: 'web:unknown',
        login: REVIEWER,
        method: 'password',
        reason: 'password.wrong',
        remoteAddr: '127.0.5.1',
      },
    ]);
    expect(await eventsOf(fx, 'reviewer.login')).toEqual([
      {
        actor: `reviewer:${REVIEWER}`,
        reviewer: REVIEWER,
        method: 'password',
        remoteAddr: '127.0.5.1',
      },
    ]);
    expect(await eventsOf(fx, 'reviewer.logout')).toEqual([
      { actor: `reviewer:${REVIEWER}`, reviewer: REVIEWER },
    ]);
    expect(await fx.store.audit.verify()).toMatchObject({ ok: true });
  });

  it('keeps a typed name as ssh refusals keep theirs: control characters escaped, at most 129 characters', async () => {
    const source = '127.0.5.2';
    const clear = `x${'\u001b[2J'.repeat(400)}`; // an escape that clears a terminal
    const long = 'a'.repeat(8000); // the form's 8 KiB cap allows this much
    const huge = 'b'.repeat(30_000);
    expect((await loginFrom(fx, source, clear, 'whatever')).status).toBe(401);
    expect((await loginFrom(fx, source, 'rita\r\nforged line', 'whatever')).status).toBe(401);
    expect((await loginFrom(fx, source, long, 'whatever')).status).toBe(401);
    expect((await loginFrom(fx, source, huge, 'whatever')).status).toBe(400); // not read at all

    const logins = (await eventsOf(fx, 'reviewer.login.failure'))
      .filter((e) => e['remoteAddr'] === source)
      .map((e) => [e['actor'], e['login']]);
    expect(logins).toEqual([
      ['web:unknown', `x${'\\u001b[2J'.repeat(14)}…(+1544 chars)`],
      ['web:unknown', 'rita\\r\\nforged line'],
      ['web:unknown', `${'a'.repeat(129)}…(+7871 chars)`],
    ]);
  });
});

describe('the review page writes its audit events through the Auditor', () => {
  let fx: WebFixture;
  beforeAll(async () => {
    fx = await startWebFixture({ metrics: true });
  });
  afterAll(async () => {
    await fx.close();
  });

  it("a refused reviewer login reaches the Auditor's listeners: /metrics counts it", async () => {
    expect((await loginFrom(fx, '127.0.8.1', REVIEWER, 'not the password')).status).toBe(401);
    expect((await loginFrom(fx, '127.0.8.1', 'nobody', 'whatever')).status).toBe(401);
    const metrics = await raw(fx.base, 'GET', '/metrics', {}, undefined, '127.0.0.1');
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain('gatehouse_denials_total{reason="review.password.wrong"} 1');
    expect(metrics.body).toContain('gatehouse_denials_total{reason="review.reviewer.unknown"} 1');
    expect(await eventsOf(fx, 'reviewer.login.failure')).toHaveLength(2);
  });
});

describe('reviewer sessions', () => {
  const clock = travellingClock();
  let fx: WebFixture;
  beforeAll(async () => {
    fx = await startWebFixture({
      clock,
      sessionTimeouts: { idleMs: MINUTE, maxAgeMs: 5 * MINUTE },
    });
  });
  afterAll(async () => {
    await fx.close();
  });

  const login = async (): Promise<string> => {
    const res = await loginFrom(fx, '127.0.6.1', REVIEWER, PASSWORD);
    expect(res.status).toBe(303);
    return cookieOf(res)!;
  };

  it('survive a restart of the server; the database keeps only a hash of the token', async () => {
    const cookie = await login();
    await fx.restart();
    expect(await page(fx, cookie)).toBe(200);
    const token = cookie.split('=')[1]!;
    const db = await readFile(`${fx.recordingsDir}/../gatehouse.db`);
    const wal = await readFile(`${fx.recordingsDir}/../gatehouse.db-wal`).catch(() =>
      Buffer.alloc(0),
    );
    expect(db.includes(token)).toBe(false);
    expect(wal.includes(token)).toBe(false);
  });

  it('end after the idle timeout, and stay ended', async () => {
    clock.reset();
    const cookie = await login();
    clock.advance(MINUTE - 5000);
    expect(await page(fx, cookie)).toBe(200); // used: the idle time starts again
    clock.advance(MINUTE - 5000);
    expect(await page(fx, cookie)).toBe(200);
    clock.advance(MINUTE + 1000);
    expect(await page(fx, cookie)).toBe(401);
    clock.reset(); // the expired session was deleted, not only refused
    expect(await page(fx, cookie)).toBe(401);
  });

  it('end after the absolute timeout however busy', async () => {
    clock.reset();
    const cookie = await login();
    for (let t = 0; t < 5 * MINUTE - 50_000; t += 50_000) {
      clock.advance(50_000);
      expect(await page(fx, cookie)).toBe(200);
    }
    clock.advance(50_000);
    expect(await page(fx, cookie)).toBe(401);
    clock.reset();
    expect(await page(fx, cookie)).toBe(401);
  });
});

describe('gatehouse serve', () => {
  it('a reviewer stays logged in across a restart of the process', async () => {
    const dir = await tempDir('gatehouse-web-serve-');
    const configPath = join(dir, 'gatehouse.yaml');
    await writeFile(configPath, serveConfigText({ web: true }));
    const store = await openStore(join(dir, 'data', 'gatehouse.db'));
    await store.reviewers.add(REVIEWER, await hashPassword(PASSWORD), 'admin');
    await store.close();

    const first = await startServe(configPath);
    const before = `http://127.0.0.1:${first.webPort}`;
    const res = await postForm(before, '/login', { name: REVIEWER, password: PASSWORD });
    await first.stop();
    expect(res.status).toBe(303);

    const second = await startServe(configPath);
    try {
      const after = `http://127.0.0.1:${second.webPort}`;
      expect((await raw(after, 'GET', '/', { Cookie: cookieOf(res)! })).status).toBe(200);
    } finally {
      await second.stop();
    }
  });
});

describe('the cookie over https', () => {
  for (const [publicUrl, secure] of [
    ['https://review.example.com', true],
    ['http://review.example.com', false],
  ] as const) {
    it(`${publicUrl}: ${secure ? 'Secure' : 'not Secure'} on login and logout`, async () => {
      const fx = await startWebFixture({ publicUrl });
      try {
        const res = await loginFrom(fx, '127.0.7.1', REVIEWER, PASSWORD);
        expect(res.status).toBe(303);
        const set = String(res.headers['set-cookie']);
        expect(/; Secure(;|$)/.test(set)).toBe(secure);
        const out = await postAs(fx.base, cookieOf(res)!, '/logout');
        expect(out.status).toBe(303);
        expect(/; Secure(;|$)/.test(String(out.headers['set-cookie']))).toBe(secure);
        // Through a proxy passing Host on, a post names the public origin: it is this page's.
        const proxied = await postForm(
          fx.base,
          '/login',
          { name: REVIEWER, password: PASSWORD },
          { Origin: publicUrl, Host: 'review.example.com' },
          '127.0.7.1',
        );
        expect(proxied.status).toBe(303);
      } finally {
        await fx.close();
      }
    });
  }
});
