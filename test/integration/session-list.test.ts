import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionId } from '../../src/core/model.js';
import { isOneLineError } from './cli-harness.js';
import { HOUR, makeBench, T0, type Bench } from './replay-fixture.js';

const MIN = 60_000;
/** The CLI's clock: 10 minutes into alice's second (still live) session. */
const NOW = T0 + 2 * HOUR + 10 * MIN;

let b: Bench;
/** a1: alice on db1 at T0 for 10 min; b1: bob on web1 at T0+1h for ~5 s; a2: alice, live since T0+2h. */
let a1: SessionId;
let b1: SessionId;
let a2: SessionId;

beforeAll(async () => {
  b = await makeBench();
  a1 = await b.record({
    grant: b.grants.alice,
    steps: [{ at: 0, out: 'x'.repeat(3000) }],
    endedAt: T0 + 10 * MIN,
  });
  b1 = await b.record({
    grant: b.grants.bob,
    startedAt: T0 + HOUR,
    kind: 'exec',
    steps: [{ at: 4000, out: 'hi\r\n' }],
  });
  a2 = await b.record({
    grant: b.grants.alice,
    startedAt: T0 + 2 * HOUR,
    live: true,
    steps: [{ at: 0, out: '$ ' }],
  });
});
afterAll(async () => {
  await b.close();
});

interface Row {
  id: string;
  user: string;
  target: string;
  grantId: number;
  startedAt: string;
  endedAt: string | null;
  durationMs: number;
  bytes: number | null;
  endReason: string | null;
  exitStatus: number | null;
}

async function ids(...filters: string[]): Promise<string[]> {
  const r = await b.runAt(NOW, '--json', 'session', 'list', ...filters);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as Row[]).map((s) => s.id);
}

describe('gatehouse session list', () => {
  it('shows user, target, grant, start, duration (so far when live), size, end reason and exit status', async () => {
    const r = await b.runAt(NOW, 'session', 'list');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(
      /^ID\s+USER\s+TARGET\s+GRANT\s+STARTED\s+DURATION\s+SIZE\s+END\s+EXIT\s+STDIN\s+RECORDING$/,
    );
    expect(lines.slice(1).map((l) => l.split(/\s+/))).toEqual([
      [
        a2,
        'alice',
        'db1',
        String(b.grants.alice.id),
        '2026-11-24T14:00:00Z',
        '10m',
        '-',
        'live',
        '-',
        '-',
        '-',
      ],
      [
        b1,
        'bob',
        'web1',
        String(b.grants.bob.id),
        '2026-11-24T13:00:00Z',
        '5s',
        expect.stringMatching(/^\d+B$/),
        'closed',
        '0',
        '-',
        '-',
      ],
      [
        a1,
        'alice',
        'db1',
        String(b.grants.alice.id),
        '2026-11-24T12:00:00Z',
        '10m',
        expect.stringMatching(/^3\.\dKiB$/),
        'closed',
        '0',
        '-',
        '-',
      ],
    ]);

    const json = await b.runAt(NOW, '--json', 'session', 'list');
    const rows = JSON.parse(json.stdout) as Row[];
    expect(rows[2]).toMatchObject({
      id: a1,
      user: 'alice',
      target: 'db1',
      grantId: b.grants.alice.id,
      startedAt: '2026-11-24T12:00:00.000Z',
      endedAt: '2026-11-24T12:10:00.000Z',
      durationMs: 10 * MIN,
      endReason: 'closed',
      exitStatus: 0,
    });
    expect(rows[2]?.bytes).toBeGreaterThan(3000);
    expect(rows[0]).toMatchObject({
      id: a2,
      endedAt: null,
      endReason: null,
      bytes: null,
      durationMs: 10 * MIN,
    });
  });

  it.each([
    ['--live', [['--live'], () => [a2]]],
    ['--user', [['--user', 'alice'], () => [a2, a1]]],
    ['--user with no sessions', [['--user', 'carol'], () => []]],
    ['--target', [['--target', 'web1'], () => [b1]]],
    ['--grant', [['--grant', 'BOB'], () => [b1]]],
    ['--since a duration (sessions open in the last 30 minutes)', [['--since', '30m'], () => [a2]]],
    ['--since a time (b1 ended after it)', [['--since', '2026-11-24T13:00:02Z'], () => [a2, b1]]],
    ['--until a time (started before it)', [['--until', '2026-11-24T13:00Z'], () => [a1]]],
    [
      'a time range',
      [['--since', '2026-11-24T12:30Z', '--until', '2026-11-24T13:30Z'], () => [b1]],
    ],
    [
      'several filters together',
      [
        ['--user', 'alice', '--since', '2026-11-24T12:05Z', '--until', '2026-11-24T14:00Z'],
        () => [a1],
      ],
    ],
  ] as const)('filters by %s', async (_what, [filters, expected]) => {
    const args = filters.map((f) => (f === 'BOB' ? String(b.grants.bob.id) : f));
    expect(await ids(...args)).toEqual(expected());
  });

  it.each([
    [['--user', 'Alice'], /^gatehouse: --user: /],
    [['--target', 'db1;rm'], /^gatehouse: --target: /],
    [['--grant', '0'], /^gatehouse: --grant: "0" is not an id/],
    [['--since', 'yesterday'], /^gatehouse: --since: "yesterday" is neither a time/],
    [['--until', '2h'], /^gatehouse: --until: /],
    [
      ['--since', '2026-11-24T13:00Z', '--until', '2026-11-24T12:00Z'],
      /--since must be before --until/,
    ],
  ])('refuses %j with exit 2', async (args, message) => {
    const r = await b.runAt(NOW, 'session', 'list', ...args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(isOneLineError(r)).toBe(true);
    expect(r.stderr).toMatch(message);
  });

  it('--kind lists only sessions of that kind; an unknown kind is a usage error', async () => {
    expect(await ids('--kind', 'exec')).toEqual([b1]);
    expect(await ids('--kind', 'sftp')).toEqual([]);
    const r = await b.runAt(NOW, 'session', 'list', '--kind', 'ftp');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('gatehouse: --kind: "ftp" is not one of shell, exec, prompt, sftp\n');
    expect(isOneLineError(r)).toBe(true);
  });

  it('works through bin/gatehouse.js', async () => {
    const r = await b.cli.spawn('session', 'list', '--target', 'web1');
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(2);
    expect(r.stdout).toContain(b1);
  });
});
