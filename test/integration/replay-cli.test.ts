import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { TERMINAL_RESET } from '../../src/recording/replay.js';
import { Database } from '../../src/store/database.js';
import { tempDir } from '../helpers/tmp.js';
import { BIN, isOneLineError } from './cli-harness.js';
import { makeBench, type Bench } from './replay-fixture.js';

let b: Bench;
beforeAll(async () => {
  b = await makeBench();
});
afterAll(async () => {
  await b.close();
});

const ESC = '\u001b';
const TITLE = `${ESC}]0;pwned\u0007`;
const CLIPBOARD = `${ESC}]52;c;${Buffer.from('rm -rf ~').toString('base64')}\u0007`;
const DCS = `${ESC}P1$r0m${ESC}\\`;

/** Runs in-process and notes when each chunk reached stdout. */
async function timed(
  ...args: string[]
): Promise<{ code: number; out: string; writes: { at: number; text: string }[] }> {
  const writes: { at: number; text: string }[] = [];
  let stderr = '';
  const code = await main(['--config', b.cli.configPath, ...args], {
    stdout: (text) => void writes.push({ at: performance.now(), text }),
    stderr: (text) => void (stderr += text),
  });
  if (code !== 0) throw new Error(`exit ${code}: ${stderr}`);
  return { code, out: writes.map((w) => w.text).join(''), writes };
}

const writeOf = (writes: { at: number; text: string }[], text: string) => {
  const w = writes.find((x) => x.text.includes(text));
  if (w === undefined) throw new Error(`${JSON.stringify(text)} was never written`);
  return w.at;
};

describe('gatehouse replay --text', () => {
  it('prints the text the session showed, after shell line editing', async () => {
    const id = await b.record({
      grant: b.grants.alice,
      steps: [
        { at: 0, out: 'ops@db1:~$ ' },
        { at: 500, out: 'uptimx\bf' }, // typo, then readline erases and retypes
        { at: 600, out: `\b${ESC}[Ke\r\n` },
        { at: 700, out: ' 12:00:01 up 3 days,  load average: 0.01\r\n' },
        { at: 800, marker: 'uptime' },
        { at: 900, resize: [120, 40] },
        { at: 1000, out: `${ESC}[32mok${ESC}[0m done\r\nops@db1:~$ ` },
      ],
    });
    const r = await b.cli.run('replay', id, '--text');
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toBe(
      'ops@db1:~$ uptime\n 12:00:01 up 3 days,  load average: 0.01\n⟦── uptime ──⟧\nok done\nops@db1:~$\n',
    );

    const json = await b.cli.json<{ sessionId: string; text: string }>('replay', id);
    expect(json).toEqual({ sessionId: id, text: r.stdout.slice(0, -1) });

    const spawned = await b.cli.spawn('replay', id, '--text');
    expect(spawned).toEqual({ code: 0, stdout: r.stdout, stderr: '' });
  });

  it('shows a live session up to its last complete line', async () => {
    const id = await b.record({
      grant: b.grants.bob,
      live: true,
      steps: [{ at: 0, out: 'still going\r\n' }],
    });
    const r = await b.cli.run('replay', id, '--text');
    expect(r).toEqual({ code: 0, stdout: 'still going\n', stderr: '' });
  });
});

describe('reviewer-safe playback', () => {
  it('shows recorded titles, clipboard writes and DCS strings as inert placeholders, keeps colours, resets the terminal', async () => {
    const id = await b.record({
      grant: b.grants.alice,
      steps: [
        { at: 0, out: `${TITLE}before ` },
        { at: 10, out: `${CLIPBOARD}${ESC}[31mRED${ESC}[0m ` },
        { at: 20, out: `${DCS}${ESC}]0;sp` }, // an OSC split across two events
        { at: 30, out: `lit\u0007after\r\n` },
      ],
    });
    const hl = (text: string): string => `${ESC}[0m${ESC}(B${ESC}[7m${text}${ESC}[27m`;
    const played = await timed('replay', id, '--speed', '1000');
    expect(played.out).toContain(
      `${hl('⟦OSC 0: pwned⟧')}before ${hl('⟦OSC 52 c: rm -rf ~⟧')}${ESC}[31mRED${ESC}[0m ` +
        `${hl('⟦DCS: 1$r0m⟧')}${hl('⟦OSC 0: split⟧')}after\r\n`,
    );
    expect(played.out.endsWith(TERMINAL_RESET)).toBe(true);
    for (const bad of [`${ESC}]`, `${ESC}P`, '\u0007']) expect(played.out).not.toContain(bad);

    const text = await b.cli.run('replay', id, '--text');
    expect(text.stdout).toBe(
      '⟦OSC 0: pwned⟧\n⟦OSC 52 c: rm -rf ~⟧\n⟦DCS: 1$r0m⟧\n⟦OSC 0: split⟧\nbefore RED after\n',
    );
    expect(text.stdout).not.toContain(ESC);
  });

  it('never drops text a real terminal still shows (wide characters, a wrapped line, cursor up)', async () => {
    // The fixture records an 80-column terminal: SECRET2's line wraps there.
    const hostile = [
      '中中中中中中SECRET1\r\u001b[7GXXXXXX\r\n',
      `SECRET2${'a'.repeat(73)}${'b'.repeat(10)}\rXXXXXXX\r\n`,
      'junk\r\nSECRET3\r\u001b[1AXXXXXXX\u001b[1B\r\n',
    ];
    const id = await b.record({
      grant: b.grants.alice,
      steps: hostile.map((out, i) => ({ at: i * 10, out })),
    });
    const text = await b.cli.run('replay', id, '--text');
    // tmux (100 columns) shows the two that do not depend on the width.
    const screen = await drawnByTerminal(`${hostile[0]}${hostile[2]}end-of-replay`);
    for (const secret of ['SECRET1', 'SECRET3']) expect(screen).toContain(secret);
    for (const secret of ['SECRET1', 'SECRET2', 'SECRET3']) expect(text.stdout).toContain(secret);
  });

  it('shows bidi overrides and zero-width characters escaped, in text and in placeholders', async () => {
    // On a bidi terminal or web page U+202E would draw `cat /etc/shadow` as `cat /etc/wodahs`
    // reversed and the title as something else; U+200B would split `secret` unseen.
    const id = await b.record({
      grant: b.grants.alice,
      steps: [
        { at: 0, out: `${ESC}]0;ok\u202etxt.exe\u0007cat \u202e/etc/shadow se\u200bcret\r\n` },
      ],
    });
    const text = await b.cli.run('replay', id, '--text');
    expect(text.stdout).toBe('⟦OSC 0: ok\\u202etxt.exe⟧\ncat \\u202e/etc/shadow se\\u200bcret\n');
  });
});

/**
 * `text` drawn by a real terminal (tmux, 100x20): each screen line with its attributes as tmux
 * re-emits them (`capture-pane -e`: SGR, and SO/SI around characters drawn in the DEC graphics set).
 */
async function drawnByTerminal(text: string): Promise<string> {
  const dir = await tempDir('gatehouse-replay-tmux-');
  const file = join(dir, 'out');
  await writeFile(file, text);
  const tmux = (...args: string[]): string =>
    execFileSync('tmux', ['-L', `gh-replay-${process.pid}`, ...args], { encoding: 'utf8' });
  tmux('new-session', '-d', '-x', '100', '-y', '20', `cat '${file}'; sleep 30`);
  try {
    const started = Date.now();
    let screen = '';
    while (!screen.includes('end-of-replay') && Date.now() - started < 5_000) {
      await new Promise((r) => setTimeout(r, 50));
      screen = tmux('capture-pane', '-p', '-e', '-t', '0');
    }
    return screen;
  } finally {
    tmux('kill-server');
  }
}

describe("a recorded user cannot hide what replay shows in the reviewer's terminal", () => {
  it('placeholders and notices are drawn visible (not concealed) and in ASCII (not DEC line drawing)', async () => {
    const id = await b.record({
      grant: b.grants.alice,
      steps: [
        // DEC special graphics for G0, then concealed text (SGR 8), then a title.
        { at: 0, out: `${ESC}(0${ESC}[8m${ESC}]0;secret-title\u0007` },
        { at: 10, marker: 'gatehouse: session ended by an administrator' },
      ],
    });
    const played = await timed('replay', id, '--speed', '1000');
    const screen = await drawnByTerminal(`${played.out}end-of-replay`);
    // Contiguous: tmux puts SO/SI around characters it drew as line drawing.
    expect(screen).toContain('⟦OSC 0: secret-title⟧');
    expect(screen).toContain('⟦── gatehouse: session ended by an administrator ──⟧');
    const concealed = new RegExp(`${ESC}\\[(?:[0-9;]*;)?8(?:;[0-9;]*)?m`);
    expect(screen).not.toMatch(concealed);
  });
});

describe('timed playback', () => {
  const steps = [
    { at: 0, out: 'one\r\n' },
    { at: 1000, out: 'two\r\n' },
    { at: 2000, out: 'three\r\n' },
  ];

  it('--speed scales the recorded pauses', async () => {
    const id = await b.record({ grant: b.grants.alice, steps });
    const fast = await timed('replay', id, '--speed', '100'); // 2 s recorded → ~20 ms
    const fastSpan = writeOf(fast.writes, 'three') - writeOf(fast.writes, 'one');
    expect(fastSpan).toBeLessThan(1000);
    const slower = await timed('replay', id, '--speed', '10'); // ~200 ms
    const slowSpan = writeOf(slower.writes, 'three') - writeOf(slower.writes, 'one');
    expect(slowSpan).toBeGreaterThanOrEqual(150);
    expect(slowSpan).toBeLessThan(2000);
    expect(writeOf(slower.writes, 'two') - writeOf(slower.writes, 'one')).toBeGreaterThanOrEqual(
      75,
    );
    expect(slower.out).toBe(`one\r\ntwo\r\nthree\r\n${TERMINAL_RESET}`);
  });

  it('--idle-limit shortens long pauses', async () => {
    const id = await b.record({
      grant: b.grants.alice,
      steps: [
        { at: 0, out: 'a\r\n' },
        { at: 60_000, out: 'b\r\n' }, // a minute of nothing
      ],
    });
    const started = performance.now();
    const r = await timed('replay', id, '--idle-limit', '0.5', '--speed', '5'); // → ~100 ms
    expect(performance.now() - started).toBeLessThan(5000);
    expect(writeOf(r.writes, 'b') - writeOf(r.writes, 'a')).toBeGreaterThanOrEqual(60);
  });

  it('Ctrl-C stops at once and still resets the terminal', async () => {
    const id = await b.record({
      grant: b.grants.alice,
      steps: [
        { at: 0, out: 'first\r\n' },
        { at: 600_000, out: 'never shown\r\n' },
      ],
    });
    const child = spawn(process.execPath, [BIN, '--config', b.cli.configPath, 'replay', id], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => void (err += d.toString()));
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => resolve(code)),
    );
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('first')) resolve();
      });
      child.on('exit', (code) =>
        reject(new Error(`replay exited ${code} before any output: ${err}`)),
      );
    });
    const interruptedAt = performance.now();
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(performance.now() - interruptedAt).toBeLessThan(3000);
    expect(out).toBe(`first\r\n${TERMINAL_RESET}`);
    expect(err).toBe('');
  });
});

describe('replay refusals and audit', () => {
  it('records every view as review.view with the actor', async () => {
    const id = await b.record({ grant: b.grants.alice, steps: [{ at: 0, out: 'x\r\n' }] });
    expect((await b.cli.run('--actor', 'rita', 'replay', id, '--text')).code).toBe(0);
    expect((await b.cli.run('--actor', 'rita', 'replay', id, '--speed', '1000')).code).toBe(0);
    const views = (await b.store.audit.list({ type: 'review.view' })).filter(
      (e) => e.payload['sessionId'] === id,
    );
    const claimed = expect.stringMatching(/^claimed:rita by os:/);
    expect(views.map((e) => [e.actor, e.payload])).toEqual([
      [claimed, { sessionId: id, via: 'cli' }],
      [claimed, { sessionId: id, via: 'cli' }],
    ]);
  });

  it.each([
    ['a path', ['../../etc/passwd'], 2, /session id: .* is not a session id/],
    ['an upper-case id', [randomUUID().toUpperCase()], 2, /is not a session id/],
    ['a zero speed', [randomUUID(), '--speed', '0'], 2, /--speed: .*greater than 0/],
    ['a word for speed', [randomUUID(), '--speed', 'fast'], 2, /--speed/],
    [
      '--text with --speed',
      [randomUUID(), '--text', '--speed', '2'],
      2,
      /--speed and --idle-limit/,
    ],
    ['an unknown id', [randomUUID()], 1, /^gatehouse: replay: no session with id /],
  ])('refuses %s in one line without an audit event', async (_what, args, code, message) => {
    const before = await b.cli.auditCount();
    const r = await b.cli.run('replay', ...args);
    expect(r.code).toBe(code);
    expect(r.stdout).toBe('');
    expect(isOneLineError(r)).toBe(true);
    expect(r.stderr).toMatch(message);
    expect(await b.cli.auditCount()).toBe(before);
  });

  it('never follows a stored path outside the session’s own recording', async () => {
    const victim = await b.record({
      grant: b.grants.alice,
      steps: [{ at: 0, out: 'secret of another session\r\n' }],
    });
    const id = await b.record({ grant: b.grants.bob, steps: [{ at: 0, out: 'mine\r\n' }] });
    const victimPath = (await b.store.sessions.get(victim))?.recordingPath ?? '';
    const db = await Database.open(b.config.database.path);
    try {
      for (const stored of ['../../../../etc/passwd', '/etc/passwd', victimPath]) {
        await db.run('UPDATE sessions SET recording_path = ? WHERE id = ?', [stored, id]);
        const r = await b.cli.run('replay', id, '--text');
        expect(r.code).toBe(1);
        expect(r.stdout).toBe('');
        expect(r.stderr).toBe(
          `gatehouse: replay: session ${id}: its stored recording path is not this session's recording\n`,
        );
      }
    } finally {
      await db.close();
    }
  });
});
