import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents } from '../../src/core/audit-events.js';
import type { SessionId } from '../../src/core/model.js';
import { BIN, isOneLineError } from './cli-harness.js';
import { HOUR, makeBench, T0, type Bench } from './replay-fixture.js';

const execFileP = promisify(execFile);

/** Ids chosen so that two share their first 8 (and more) characters. */
const TWIN_1 = '5e551011-aaaa-4aaa-8aaa-000000000001' as SessionId;
const TWIN_2 = '5e551011-aaaa-4aaa-8aaa-000000000002' as SessionId;
const LONE = 'b0b0b0b0-1111-4111-8111-000000000001' as SessionId;
const LIVE = 'eeeeeeee-2222-4222-8222-000000000001' as SessionId;
/** Enough audit events that any listing of them overfills a pipe (64 KiB) many times. */
const MANY_EVENTS = 3000;

let b: Bench;
beforeAll(async () => {
  b = await makeBench();
  await b.record({ id: TWIN_1, grant: b.grants.alice, steps: [{ at: 0, out: 'one\r\n' }] });
  await b.record({
    id: TWIN_2,
    grant: b.grants.alice,
    startedAt: T0 + HOUR,
    steps: [{ at: 0, out: 'two\r\n' }],
  });
  await b.record({
    id: LONE,
    grant: b.grants.bob,
    startedAt: T0 + 2 * HOUR,
    steps: [{ at: 0, out: Array.from({ length: 40_000 }, (_, i) => `line ${i}\r\n`).join('') }],
  });
  await b.record({
    id: LIVE,
    grant: b.grants.alice,
    startedAt: T0 + 3 * HOUR,
    live: true,
    steps: [{ at: 0, out: '$ ' }],
  });
  for (let i = 0; i < MANY_EVENTS; i += 1) {
    await b.store.audit.append(auditEvents.reviewView({ sessionId: LONE, via: 'cli' }), 'test');
  }
}, 120_000);
afterAll(async () => {
  await b.close();
});

/** `gatehouse ... | head -1` in a real shell: gatehouse's own exit status and stderr. */
async function pipedToHead(
  args: readonly string[],
): Promise<{ status: string; stderr: string; first: string }> {
  const errFile = path.join(b.cli.dir, 'piped.err');
  const { stdout } = await execFileP('bash', [
    '-c',
    'node "$0" --config "$1" "${@:3}" 2>"$2" | head -1; echo "status ${PIPESTATUS[0]}"',
    BIN,
    b.cli.configPath,
    errFile,
    ...args,
  ]);
  const [first = '', status = ''] = stdout.split('\n');
  return { status, stderr: await readFile(errFile, 'utf8'), first };
}

describe('output piped into head -1', () => {
  it.each([
    [['audit', 'list', '--limit', '100000'], /^SEQ\s+TIME\s+NODE/],
    [['--json', 'audit', 'list', '--limit', '100000'], /^\[$/],
    [['audit', 'export'], /^\{"seq":1,/],
    [['replay', LONE, '--text'], /^line 0$/],
  ])('gatehouse %j ends quietly with status 0', async (args, firstLine) => {
    // Far more than a pipe holds, so gatehouse is still writing when head exits.
    expect((await b.cli.run(...args)).stdout.length).toBeGreaterThan(256 * 1024);
    const r = await pipedToHead(args);
    expect(r.first).toMatch(firstLine);
    expect(r.stderr).toBe('');
    expect(r.status).toBe('status 0');
  });
});

describe('version and help', () => {
  it('--version prints the package version', async () => {
    const pkg = JSON.parse(
      await readFile(path.resolve(import.meta.dirname, '../../package.json'), 'utf8'),
    ) as { version: string };
    expect(await b.cli.spawn('--version')).toEqual({
      code: 0,
      stdout: `${pkg.version}\n`,
      stderr: '',
    });
  });

  it('bare gatehouse prints the help on stdout and exits 0; a noun alone stays a usage error', async () => {
    const bare = await b.cli.spawn();
    expect(bare.code).toBe(0);
    expect(bare.stderr).toBe('');
    expect(bare.stdout).toMatch(/^Usage: gatehouse \[options\] \[command\]/);
    expect(bare.stdout).toMatch(/^ {2}grant +time-limited access/m);
    const noun = await b.cli.spawn('grant');
    expect(noun.code).toBe(2);
    expect(isOneLineError(noun)).toBe(true);
  });

  it('--help marks required options and shows examples', async () => {
    const r = await b.cli.spawn('grant', 'add', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ {2}--user <name> +who \(required\)$/m);
    expect(r.stdout).toMatch(/^ {2}--for <duration> +how long[^\n]*(?<!\(required\))$/m);
    expect(r.stdout).toMatch(/\nExamples:\n {2}\$ gatehouse grant add --user alice /);
    for (const cmd of [
      ['session', 'list'],
      ['audit', 'list'],
      ['grant', 'list'],
    ]) {
      expect((await b.cli.spawn(...cmd, '--help')).stdout).toContain(
        `$ gatehouse ${cmd.join(' ')}`,
      );
    }
  });
});

describe('session ids by a unique prefix of 8 or more characters', () => {
  it('session show, replay and recording verify take a unique prefix', async () => {
    const shown = await b.cli.spawn('--json', 'session', 'show', 'b0b0b0b0');
    expect(shown.code, shown.stderr).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ id: LONE, user: 'bob' });
    const twin = await b.cli.spawn(
      '--json',
      'session',
      'show',
      '5e551011-aaaa-4aaa-8aaa-000000000002',
    );
    expect(JSON.parse(twin.stdout)).toMatchObject({ id: TWIN_2 });
    const replay = await b.cli.spawn('replay', '5e551011-aaaa-4aaa-8aaa-000000000001', '--text');
    expect(replay).toMatchObject({ code: 0, stdout: 'one\n' });
    const verify = await b.cli.spawn('recording', 'verify', 'b0b0b0b0-1111');
    expect(verify.code, verify.stderr).toBe(0);
    expect(verify.stdout).toContain(LONE);
  });

  it('session kill takes a prefix and names the whole id', async () => {
    expect(await b.cli.spawn('session', 'kill', 'eeeeeeee', '--reason', 'done')).toEqual({
      code: 0,
      stdout: `kill requested for ${LIVE}\n`,
      stderr: '',
    });
  });

  it.each([
    [
      ['session', 'show', '5e551011'],
      1,
      `gatehouse: session: 5e551011 matches more than one session (among them ${TWIN_1} and ${TWIN_2}): give more characters`,
    ],
    [
      ['replay', '5e551011-aaaa'],
      1,
      'gatehouse: replay: 5e551011-aaaa matches more than one session',
    ],
    [
      ['session', 'watch', '5e551011'],
      1,
      'gatehouse: session: 5e551011 matches more than one session',
    ],
    [['session', 'watch', 'b0b0b0b0'], 1, `gatehouse: session: ${LONE} already ended at `],
    [
      ['session', 'show', '5e55101'],
      2,
      'gatehouse: session id: "5e55101" is too short: give at least 8 characters of the session id',
    ],
    [['recording', 'verify', 'b0b0'], 2, 'is too short'],
    [
      ['session', 'kill', '00000000', '--reason', 'done'],
      1,
      'gatehouse: session: no session whose id starts with 00000000',
    ],
    [
      ['session', 'show', '5E551011'],
      2,
      'is not a session id (a UUID, or its first 8 or more characters)',
    ],
    [['session', 'show', '5e551011_'], 2, 'is not a session id'],
  ] as const)('%j is refused in one line (exit %i)', async (args, code, message) => {
    const before = await b.cli.auditCount();
    const r = await b.cli.spawn(...args);
    expect(r.code).toBe(code);
    expect(isOneLineError(r), r.stderr).toBe(true);
    expect(r.stderr).toContain(message);
    expect(r.stdout).toBe('');
    expect(await b.cli.auditCount()).toBe(before);
  });
});

describe('lists: newest first, --limit (default 50), a note when older rows exist', () => {
  it('session list', async () => {
    const all = await b.cli.spawn('--json', 'session', 'list');
    expect(all.stderr).toBe('');
    expect((JSON.parse(all.stdout) as { id: string }[]).map((s) => s.id)).toEqual([
      LIVE,
      LONE,
      TWIN_2,
      TWIN_1,
    ]);
    const two = await b.cli.spawn('session', 'list', '--limit', '2');
    expect(two.code).toBe(0);
    expect(
      two.stdout
        .trimEnd()
        .split('\n')
        .slice(1)
        .map((l) => l.split(/\s+/)[0]),
    ).toEqual([LIVE, LONE]);
    expect(two.stderr).toBe(
      'gatehouse: showing the newest 2 sessions; older ones exist (raise --limit to see them)\n',
    );
  });

  it('audit list: the newest 50 by default, times in ISO 8601 UTC', async () => {
    const events = JSON.parse((await b.cli.spawn('--json', 'audit', 'list')).stdout) as {
      seq: number;
      ts: string;
    }[];
    expect(events).toHaveLength(50);
    const seqs = events.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((x, y) => y - x));
    expect(seqs[0]).toBe(await b.cli.auditCount());
    const text = await b.cli.spawn('audit', 'list', '--limit', '3');
    const rows = text.stdout.trimEnd().split('\n').slice(1);
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      expect(row).toMatch(
        /^\d+\s+\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z\s+\S+\s+\S+\s+[a-z]+\.[a-z.]+\s/,
      );
    }
    expect(text.stderr).toBe(
      'gatehouse: showing the newest 3 events; older ones exist (raise --limit to see them)\n',
    );
  });

  it('grant list: grants valid now unless --all, newest first', async () => {
    // The bench's grants run from T0 - 1h for a day; the real clock is past them.
    expect(JSON.parse((await b.cli.spawn('--json', 'grant', 'list')).stdout)).toEqual([]);
    const atT0 = await b.runAt(T0, '--json', 'grant', 'list');
    expect((JSON.parse(atT0.stdout) as { id: number }[]).map((g) => g.id)).toEqual([
      b.grants.bob.id,
      b.grants.alice.id,
    ]);
    const all = await b.cli.spawn('--json', 'grant', 'list', '--all', '--limit', '1');
    expect((JSON.parse(all.stdout) as { id: number }[]).map((g) => g.id)).toEqual([
      b.grants.bob.id,
    ]);
    expect(all.stderr).toContain('showing the newest 1 grants; older ones exist');
    const both = await b.cli.spawn('grant', 'list', '--all', '--active');
    expect(both.code).toBe(2);
    expect(both.stderr).toBe('gatehouse: --all, --active: give only one of them\n');
  });
});

describe('durations such as 1h30m', () => {
  it('grant extend --for 1h30m moves the end by 90 minutes; units out of order are refused', async () => {
    const before = b.grants.alice.endsAt;
    const r = await b.runAt(
      T0,
      '--json',
      'grant',
      'extend',
      String(b.grants.alice.id),
      '--for',
      '1h30m',
      '--reason',
      'overran',
    );
    expect(r.code, r.stderr).toBe(0);
    expect(Date.parse((JSON.parse(r.stdout) as { endsAt: string }).endsAt)).toBe(
      before + 90 * 60_000,
    );
    const bad = await b.runAt(
      T0,
      'grant',
      'extend',
      String(b.grants.alice.id),
      '--for',
      '30m1h',
      '--reason',
      'x',
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      'gatehouse: --for: "30m1h" is not a duration: units must go from largest to smallest, each once (1h30m)\n',
    );
  });
});

describe('a taken port', () => {
  let held: Server;
  let heldPort: number;
  beforeAll(async () => {
    held = createServer();
    await new Promise<void>((resolve) => held.listen(0, '127.0.0.1', resolve));
    heldPort = (held.address() as { port: number }).port;
  });
  afterAll(() => {
    held.close();
  });

  async function serveWith(listen: { ssh: number; web?: number }) {
    const config = path.join(b.cli.dir, `serve-${listen.ssh}.yaml`);
    await writeFile(
      config,
      [
        // A database of its own: serve's start-up would close the bench's live session.
        'database:',
        '  path: serve-data/gatehouse.db',
        'recordings:',
        '  dir: serve-data/recordings',
        'ssh:',
        `  listen: 127.0.0.1:${listen.ssh}`,
        '  clientKeyPath: serve-data/keys/client_ed25519_key',
        '  hostKeyPath: serve-data/keys/host',
        ...(listen.web === undefined ? [] : ['web:', `  listen: 127.0.0.1:${listen.web}`]),
        '',
      ].join('\n'),
    );
    return execFileP(process.execPath, [BIN, '--config', config, 'serve'], { timeout: 30_000 })
      .then(({ stdout, stderr }) => ({ code: 0, stdout, stderr }))
      .catch((e: { code: number; stdout: string; stderr: string }) => e);
  }

  it('serve: ssh.listen in use is one line, exit 1', async () => {
    const r = await serveWith({ ssh: heldPort });
    // stdout is serve's log stream; the error is the one line on stderr.
    expect({ code: r.code, stderr: r.stderr }).toEqual({
      code: 1,
      stderr: `gatehouse: ssh.listen 127.0.0.1:${heldPort}: address in use\n`,
    });
  });

  it('serve: web.listen in use is one line, exit 1', async () => {
    const free = createServer();
    await new Promise<void>((resolve) => free.listen(0, '127.0.0.1', resolve));
    const sshPort = (free.address() as { port: number }).port;
    await new Promise((resolve) => free.close(resolve));
    const r = await serveWith({ ssh: sshPort, web: heldPort });
    // stdout is serve's log stream; the error is the one line on stderr.
    expect({ code: r.code, stderr: r.stderr }).toEqual({
      code: 1,
      stderr: `gatehouse: web.listen 127.0.0.1:${heldPort}: address in use\n`,
    });
  });
});
