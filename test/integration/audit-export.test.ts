import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { auditEvents } from '../../src/core/audit-events.js';
import type { AuthFailure } from '../../src/core/audit-payloads.js';
import { fixedClock } from '../../src/core/clock.js';
import { openStore } from '../../src/store/open-store.js';
import { tempDir } from '../helpers/tmp.js';
import { BIN } from './cli-harness.js';

const execFileP = promisify(execFile);

const T0 = Date.parse('2026-03-01T00:00:00.000Z');
const N = 2503; // more than two export pages
const MINUTE = 60_000;

/** Event i's payload; event 7's login holds separator and control characters. */
const failure = (i: number): AuthFailure => ({
  login: i === 7 ? 'line\u2028sep \u0085next \u001b[31m' : `user${i}`,
  user: null,
  target: null,
  fingerprint: null,
  reason: 'login.invalid',
  remoteAddr: '192.0.2.1',
});

interface Line {
  seq: number;
  ts: string;
  actor: string;
  type: string;
  payload: Record<string, unknown>;
  prevHash: string;
  hash: string;
  /** Null here: the events are written by a store opened without a node name. */
  node: string | null;
}

describe('gatehouse audit export', () => {
  let configPath: string;
  let dbPath: string;

  /** In-process run with the clock at `now`. */
  const run = async (now: number, ...args: string[]) => {
    let stdout = '';
    let stderr = '';
    const code = await main(
      ['--config', configPath, 'audit', 'export', ...args],
      {
        stdout: (t) => void (stdout += t),
        stderr: (t) => void (stderr += t),
      },
      { clock: fixedClock(now) },
    );
    return { code, stdout, stderr };
  };
  const parse = (stdout: string): Line[] =>
    stdout
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Line);

  beforeAll(async () => {
    const dir = await tempDir('gatehouse-export-');
    configPath = path.join(dir, 'gatehouse.yaml');
    dbPath = path.join(dir, 'gatehouse.db');
    await writeFile(configPath, 'database:\n  path: gatehouse.db\n');
    // Event i (1-based) at T0 + (i-1) minutes.
    const clock = fixedClock(T0);
    const store = await openStore(dbPath, { clock });
    try {
      for (let i = 1; i <= N; i++) {
        await store.audit.append(
          auditEvents.authFailure(failure(i)),
          i % 2 === 0 ? 'user:alice' : 'root',
        );
        clock.advance(MINUTE);
      }
    } finally {
      await store.close();
    }
  });

  it('prints every event as one JSON line, in seq order, with the chain fields', async () => {
    const r = await run(T0 + N * MINUTE);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.endsWith('\n')).toBe(true);
    const rows = parse(r.stdout);
    expect(rows).toHaveLength(N);
    expect(rows.map((e) => e.seq)).toEqual(Array.from({ length: N }, (_, i) => i + 1));
    expect(rows[0]).toEqual({
      seq: 1,
      ts: '2026-03-01T00:00:00.000Z',
      actor: 'root',
      type: 'auth.failure',
      payload: failure(1),
      prevHash: '0'.repeat(64),
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      node: null,
    });
    expect(Object.keys(rows[1]!)).toEqual([
      'seq',
      'ts',
      'actor',
      'type',
      'payload',
      'prevHash',
      'hash',
      'node',
    ]);
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.prevHash).toBe(rows[i - 1]!.hash);
    expect(rows[N - 1]!.ts).toBe(new Date(T0 + (N - 1) * MINUTE).toISOString());
  });

  it('escapes control and separator characters so each event stays on one terminal-safe line', async () => {
    const r = await run(
      T0 + N * MINUTE,
      '--since',
      new Date(T0 + 6 * MINUTE).toISOString(),
      '--until',
      new Date(T0 + 7 * MINUTE).toISOString(),
    );
    expect(r.stdout).toBe(`${r.stdout.trimEnd()}\n`);
    // eslint-disable-next-line no-control-regex -- finding control characters is the point
    expect(r.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/);
    expect(r.stdout).toContain('line\\u2028sep \\u0085next \\u001b[31m');
    expect(parse(r.stdout)).toMatchObject([
      { seq: 7, payload: { login: 'line\u2028sep \u0085next \u001b[31m' } },
    ]);
  });

  it('--since (inclusive) and --until (exclusive) filter by time; a duration counts back from now', async () => {
    const since = new Date(T0 + 100 * MINUTE).toISOString(); // event 101
    const until = new Date(T0 + 1200 * MINUTE).toISOString(); // event 1201, excluded
    const both = parse((await run(T0 + N * MINUTE, '--since', since, '--until', until)).stdout);
    expect(both.map((e) => e.seq)).toEqual(Array.from({ length: 1100 }, (_, i) => i + 101));

    const onlyUntil = parse(
      (await run(T0 + N * MINUTE, '--until', new Date(T0 + 2 * MINUTE).toISOString())).stdout,
    );
    expect(onlyUntil.map((e) => e.seq)).toEqual([1, 2]);

    // Now is just after the last event: the last 90 minutes hold events N-89 .. N.
    const recent = parse((await run(T0 + (N - 1) * MINUTE, '--since', '90m')).stdout);
    expect(recent.map((e) => e.seq)).toEqual(Array.from({ length: 91 }, (_, i) => N - 90 + i));
  });

  it('an empty result prints nothing and exits 0', async () => {
    expect(await run(T0, '--since', '2030-01-01')).toEqual({ code: 0, stdout: '', stderr: '' });
    const emptyDir = await tempDir('gatehouse-export-empty-');
    const emptyConfig = path.join(emptyDir, 'gatehouse.yaml');
    await writeFile(emptyConfig, 'database:\n  path: gatehouse.db\n');
    let stdout = '';
    const code = await main(['--config', emptyConfig, 'audit', 'export'], {
      stdout: (t) => void (stdout += t),
      stderr: () => undefined,
    });
    expect({ code, stdout }).toEqual({ code: 0, stdout: '' });
  });

  it('refuses a bad time or an empty window as a usage error (exit 2, one line)', async () => {
    expect(await run(T0, '--since', 'yesterday')).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'gatehouse: --since: "yesterday" is neither a time (2026-11-01, 2026-11-01T18:00Z) nor a duration (90s, 45m, 2h, 7d, 1h30m)\n',
    });
    expect(await run(T0, '--since', '2026-03-02', '--until', '2026-03-01')).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'gatehouse: --until: 2026-03-01T00:00:00Z is not after --since 2026-03-02T00:00:00Z\n',
    });
  });

  it('streams through the real binary to a pipe: all N lines', async () => {
    const { stdout } = await execFileP(
      process.execPath,
      [BIN, '--config', configPath, 'audit', 'export'],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    const rows = parse(stdout);
    expect(rows).toHaveLength(N);
    expect(rows.at(-1)!.seq).toBe(N);
  });
});
