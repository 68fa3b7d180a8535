/**
 * /metrics on the review listener of a real `gatehouse serve`: after one real ssh login and one
 * refused one, the counters say so (issue 7, observability).
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSsh } from '../helpers/ssh-client.js';
import { startSshd, type SshdTarget } from '../helpers/sshd.js';
import { makeUserKey } from '../helpers/keys.js';
import { tempDir } from '../helpers/tmp.js';
import { seedServeDir, startServe, type ServeChild } from './metrics-serve-harness.js';

let sshd: SshdTarget;
let serve: ServeChild;
let dir: string;
let aliceKey: string;

function get(port: number, path: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

/** The value of one sample line, e.g. `gatehouse_logins_total{result="success"}`; null when absent. */
function sample(text: string, series: string): number | null {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? null : Number(line.slice(series.length + 1));
}

async function metricsWhen(check: (text: string) => boolean): Promise<string> {
  let last = '';
  for (let i = 0; i < 100; i++) {
    last = (await get(serve.webPort ?? 0, '/metrics')).body;
    if (check(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  return last;
}

beforeAll(async () => {
  sshd = await startSshd();
  dir = await tempDir('gatehouse-metrics-');
  const seeded = await seedServeDir(dir, sshd, { web: true });
  aliceKey = seeded.alice.keyPath;
  serve = await startServe(seeded.configPath);
});

afterAll(async () => {
  await serve?.stop();
  await sshd?.stop();
});

describe('GET /metrics', () => {
  it('starts at zero, in the Prometheus text format, for a loopback client without a login', async () => {
    const res = await get(serve.webPort ?? 0, '/metrics');
    expect(res.status).toBe(200);
    expect(res.type).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(res.body).toContain('# TYPE gatehouse_live_sessions gauge');
    expect(res.body).toContain('# TYPE gatehouse_logins_total counter');
    expect(sample(res.body, 'gatehouse_live_sessions')).toBe(0);
    expect(sample(res.body, 'gatehouse_logins_total{result="success"}')).toBe(0);
    expect(sample(res.body, 'gatehouse_logins_total{result="failure"}')).toBe(0);
    expect(sample(res.body, 'gatehouse_relayed_bytes_total{direction="out"}')).toBe(0);
    expect(sample(res.body, 'gatehouse_recording_failures_total')).toBe(0);
  });

  it('counts a real login, a refused one and the bytes relayed', async () => {
    const ok = await runSsh(
      { port: serve.sshPort, keyPath: aliceKey, login: 'alice+db1' },
      { command: ['echo', 'metrics-hello'] },
    );
    expect(ok.stdout.toString('utf8')).toContain('metrics-hello');
    expect(ok.code).toBe(0);

    const stranger = await makeUserKey(dir, 'mallory');
    const refused = await runSsh(
      { port: serve.sshPort, keyPath: stranger.privatePath, login: 'mallory+db1' },
      { command: ['true'] },
    );
    expect(refused.code).toBe(255);

    const text = await metricsWhen(
      (t) => sample(t, 'gatehouse_logins_total{result="failure"}') === 1,
    );
    expect(sample(text, 'gatehouse_logins_total{result="success"}')).toBe(1);
    expect(sample(text, 'gatehouse_logins_total{result="failure"}')).toBe(1);
    expect(sample(text, 'gatehouse_denials_total{reason="user.unknown"}')).toBe(1);
    // "metrics-hello\n" and the session banner on stderr went out; nothing was typed in.
    expect(sample(text, 'gatehouse_relayed_bytes_total{direction="out"}')).toBeGreaterThanOrEqual(
      'metrics-hello\n'.length,
    );
    expect(sample(text, 'gatehouse_live_sessions')).toBe(0);
  });

  it('counts refused channels by reason', async () => {
    const r = await runSsh(
      { port: serve.sshPort, keyPath: aliceKey, login: 'alice+db1' },
      { command: ['scp', '-f', '/etc/hostname'] },
    );
    expect(r.code).not.toBe(0);
    const text = await metricsWhen(
      (t) => sample(t, 'gatehouse_denials_total{reason="exec.file_transfer"}') === 1,
    );
    expect(sample(text, 'gatehouse_denials_total{reason="exec.file_transfer"}')).toBe(1);
  });

  it('shows a live session while it runs', async () => {
    const running = runSsh(
      { port: serve.sshPort, keyPath: aliceKey, login: 'alice+db1' },
      { command: ['sleep', '2'] },
    );
    const text = await metricsWhen((t) => sample(t, 'gatehouse_live_sessions') === 1);
    expect(sample(text, 'gatehouse_live_sessions')).toBe(1);
    expect((await running).code).toBe(0);
    expect(
      sample(
        await metricsWhen((t) => sample(t, 'gatehouse_live_sessions') === 0),
        'gatehouse_live_sessions',
      ),
    ).toBe(0);
  });
});
