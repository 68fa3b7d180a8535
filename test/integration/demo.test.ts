/**
 * `gatehouse demo` as a newcomer runs it (issue 7): in an empty working directory, the printed
 * ssh line — typed exactly as printed, with the real ssh in a terminal — lands in a recorded
 * shell; the review page, logged in with the printed credentials, lists that session and serves
 * its recording; a second run reuses the folder and replaces a grant that is no longer usable.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import * as pty from 'node-pty';
import { afterEach, describe, expect, it } from 'vitest';
import type { GrantId } from '../../src/core/model.js';
import { openStore } from '../../src/store/open-store.js';
import { tempDir } from '../helpers/tmp.js';

const BIN = resolve('bin/gatehouse.js');

interface DemoRun {
  readonly proc: ChildProcessWithoutNullStreams;
  output(): string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  stop(): Promise<number | null>;
}

const running: DemoRun[] = [];
afterEach(async () => {
  for (const run of running.splice(0)) await run.stop();
});

async function freePort(): Promise<number> {
  const srv = createServer();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const addr = srv.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
  srv.close();
  await once(srv, 'close');
  return port;
}

function startDemo(
  cwd: string,
  env: NodeJS.ProcessEnv,
  ports: { ssh: number; web: number },
): DemoRun {
  const proc = spawn(
    process.execPath,
    [BIN, 'demo', '--ssh-port', String(ports.ssh), '--web-port', String(ports.web)],
    { cwd, env },
  );
  let out = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
  proc.stderr.on('data', (d: Buffer) => (out += d.toString('utf8')));
  const exited = once(proc, 'exit').then(([code]) => code as number | null);
  const run: DemoRun = {
    proc,
    output: () => out,
    waitFor: async (pattern, timeoutMs = 30_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const m = pattern.exec(out);
        if (m !== null) return m;
        if (Date.now() > deadline || proc.exitCode !== null)
          throw new Error(`demo did not print ${String(pattern)}; output:\n${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    stop: async () => {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      return exited;
    },
  };
  running.push(run);
  return run;
}

/** Runs a command line in a terminal, answering prompts in order: [pattern, what to type]. */
async function inTerminal(
  line: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
  steps: readonly (readonly [RegExp, string])[],
): Promise<{ code: number; screen: string }> {
  const [file, ...args] = line.split(' ');
  const term = pty.spawn(file ?? 'ssh', args, { name: 'xterm', cols: 100, rows: 30, cwd, env });
  let screen = '';
  let step = 0;
  let from = 0;
  term.onData((d) => {
    screen += d;
    const next = steps[step];
    if (next !== undefined && next[0].test(screen.slice(from))) {
      from = screen.length;
      step += 1;
      term.write(next[1]);
    }
  });
  const timer = setTimeout(() => term.kill('SIGKILL'), 30_000);
  const code = await new Promise<number>((res) => term.onExit(({ exitCode }) => res(exitCode)));
  clearTimeout(timer);
  if (step < steps.length) throw new Error(`stopped before step ${step}; terminal:\n${screen}`);
  return { code, screen };
}

function http(
  port: number,
  path: string,
  options: { method?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<{
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}> {
  return new Promise((res, rej) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers },
      (r) => {
        let body = '';
        r.setEncoding('utf8');
        r.on('data', (d: string) => (body += d));
        r.on('end', () => res({ status: r.statusCode ?? 0, headers: r.headers, body }));
      },
    );
    req.on('error', rej);
    req.end(options.body);
  });
}

describe('gatehouse demo', () => {
  it('prints an ssh line that lands in a recorded session the review page shows; a re-run reuses the folder', async () => {
    const cwd = await tempDir('gatehouse-demo-');
    const home = join(cwd, 'home');
    await mkdir(home, { mode: 0o700 });
    // A newcomer's environment: own HOME (known_hosts), no agent.
    const env: NodeJS.ProcessEnv = {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      HOME: home,
      TERM: 'xterm',
      LANG: 'C.UTF-8',
    };
    const ports = { ssh: await freePort(), web: await freePort() };

    const first = startDemo(cwd, env, ports);
    const sshLine =
      (await first.waitFor(/^ {5}(ssh -i \S+ -p \d+ demo\+sandbox@127\.0\.0\.1)$/m))[1] ?? '';
    expect(sshLine).toBe(`ssh -i demo/keys/demo_ed25519 -p ${ports.ssh} demo+sandbox@127.0.0.1`);
    const [, reviewer, password] = await first.waitFor(/log in as (\S+) \/ (\S+)$/m);
    expect(first.output()).toContain('(created;');
    const fingerprint = (await first.waitFor(/host key fingerprint is (SHA256:\S+)/))[1];

    const session = await inTerminal(sshLine, cwd, env, [
      [/\(yes\/no[^)]*\)\? $/, 'yes\r'],
      [/to continue: $/, 'I agree\r'],
      // As root the demo's targets run as nobody (issue 13): never as gatehouse's own account.
      [/left\r\n/, 'echo demo-works-as-$(id -un)\r'],
      [/demo-works-as-nobody\r\n/, 'exit\r'], // the output, not the echo of what was typed
    ]);
    expect(session.screen).toContain(`${fingerprint ?? '?'}.`);
    expect(session.code).toBe(0);

    // The review page, logged in with the printed credentials, lists the session and replays it.
    const origin = `http://127.0.0.1:${ports.web}`;
    const login = await http(ports.web, '/login', {
      method: 'POST',
      headers: { Origin: origin, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ name: reviewer ?? '', password: password ?? '' }).toString(),
    });
    expect(login.status).toBe(303);
    const cookie = String(login.headers['set-cookie'] ?? '').split(';')[0] ?? '';
    const list = await http(ports.web, '/', { headers: { Cookie: cookie } });
    expect(list.status).toBe(200);
    expect(list.body).toContain('sandbox');
    const id = /\/sessions\/([0-9a-f-]{36})/.exec(list.body)?.[1];
    expect(id).toBeDefined();
    const cast = await http(ports.web, `/sessions/${id ?? ''}.cast`, {
      headers: { Cookie: cookie },
    });
    expect(cast.status).toBe(200);
    expect(cast.body).toContain('demo-works');
    expect(await first.stop()).toBe(0);

    // An admin revoked the shell grant meanwhile: the re-run reuses everything else and adds a fresh one.
    const store = await openStore(join(cwd, 'demo', 'data', 'gatehouse.db'));
    const [grant] = await store.grants.list({
      userName: 'demo',
      targetName: 'sandbox',
      activeAt: Date.now(),
    });
    await store.grants.revoke(grant?.id ?? (0 as GrantId), 'test', Date.now(), 'test-admin');
    await store.close();

    const second = startDemo(cwd, env, ports);
    await second.waitFor(/demo\+sandbox@127\.0\.0\.1$/m);
    expect(second.output()).toMatch(/\(reused; this run added: grant 3 \(sandbox, shell\)\)/);
    expect(second.output()).toContain(`log in as ${reviewer ?? '?'} / ${password ?? '?'}`);
    expect(second.output()).toContain(sshLine);
    expect(await second.stop()).toBe(0);

    const store2 = await openStore(join(cwd, 'demo', 'data', 'gatehouse.db'));
    expect((await store2.users.list()).map((u) => u.name)).toEqual(['demo']);
    expect((await store2.targets.list()).map((t) => t.name).sort()).toEqual(['sandbox', 'tools']);
    expect((await store2.reviewers.list()).map((r) => r.name)).toEqual(['reviewer']);
    expect((await store2.grants.list({ activeAt: Date.now() })).length).toBe(2);
    await store2.close();
  });

  it('prints its review page and login link under web.publicUrl when the config sets one', async () => {
    const cwd = await tempDir('gatehouse-demo-');
    const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: cwd };
    const ports = { ssh: await freePort(), web: await freePort() };
    const first = startDemo(cwd, env, ports);
    await first.waitFor(/log in as \S+ \/ \S+$/m);
    expect(await first.stop()).toBe(0);

    const configPath = join(cwd, 'demo', 'gatehouse.yaml');
    const config = await readFile(configPath, 'utf8');
    await writeFile(
      configPath,
      config.replace(/^web:\n/m, 'web:\n  publicUrl: https://review.example.com\n'),
    );
    const second = startDemo(cwd, env, ports);
    await second.waitFor(/one-time login link .*$/m);
    expect(second.output()).toContain('review page on https://review.example.com/.');
    expect(second.output()).toMatch(/^ {5}https:\/\/review\.example\.com\/ — log in as /m);
    expect(second.output()).toMatch(
      /login link \(valid 1 hour\): https:\/\/review\.example\.com\/login\/link\?token=[\w-]+$/m,
    );
    expect(second.output()).not.toContain(`127.0.0.1:${ports.web}`);
    expect(await second.stop()).toBe(0);
  });
});
