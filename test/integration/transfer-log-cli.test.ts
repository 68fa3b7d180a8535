/**
 * A transfer session's log on the CLI and in evidence (issue 16): `session show` prints it after
 * the session's facts (and as `transfers` in `--json`); `evidence export` carries it as
 * `sessions/<id>.transfers.json`, and `evidence verify` checks it against the chain's transfer
 * events, naming a tampered entry.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents } from '../../src/core/audit-events.js';
import type { SessionId } from '../../src/core/model.js';
import { Database } from '../../src/store/database.js';
import { tempDir } from '../helpers/tmp.js';
import { isOneLineError, type Run } from './cli-harness.js';
import { editMember, members } from './evidence-tar.js';
import { makeBench, T0, type Bench } from './replay-fixture.js';

const REPORT_SHA = '3f'.repeat(32);
let b: Bench;
let sftp: SessionId;
let shell: SessionId;
let tar: Buffer;

beforeAll(async () => {
  b = await makeBench();
  sftp = await b.record({
    grant: b.grants.alice,
    kind: 'sftp',
    steps: [{ at: 100, out: 'download /var/log/app/report.csv\r\n' }],
    transfers: [
      (s) =>
        auditEvents.transferFile({
          ...s,
          path: '/var/log/app/report.csv',
          direction: 'download',
          bytes: 3 * 1024 * 1024,
          sha256: REPORT_SHA,
        }),
      (s) => auditEvents.transferChange({ ...s, op: 'rename', path: '/tmp/p.part', to: '/tmp/p' }),
      (s) =>
        auditEvents.transferDenied({
          ...s,
          op: 'open',
          path: '/etc/shadow',
          why: '/etc/shadow is outside the paths this grant allows',
        }),
    ],
  });
  shell = await b.record({ grant: b.grants.alice, steps: [{ at: 0, out: '$ ' }] });
  const out = join(b.cli.dir, 'evidence.tar');
  const r = await b.runAt(
    T0 + 3_600_000,
    'evidence',
    'export',
    '--grant',
    String(b.grants.alice.id),
    '-o',
    out,
  );
  expect(r.code, r.stderr).toBe(0);
  tar = await readFile(out);
}, 60_000);
afterAll(async () => {
  await b?.close();
});

async function verifyEdited(edit: (copy: Buffer) => void): Promise<Run> {
  const dir = await tempDir('gatehouse-auditor-');
  const copy = Buffer.from(tar);
  edit(copy);
  await writeFile(join(dir, 'evidence.tar'), copy);
  return b.runAt(T0, 'evidence', 'verify', join(dir, 'evidence.tar'));
}

describe('gatehouse session show of a transfer session', () => {
  it('prints the transfer log after the session facts', async () => {
    const r = await b.runAt(T0 + 60_000, 'session', 'show', sftp);
    expect(r.code, r.stderr).toBe(0);
    const [facts, log] = r.stdout.split('\n\n');
    expect(facts).toContain(`id  `);
    const lines = (log ?? '').trimEnd().split('\n');
    expect(lines[0]).toMatch(/^TIME\s+OPERATION\s+PATH\s+SIZE\s+SHA256 \/ WHY$/);
    expect(lines[1]).toMatch(
      new RegExp(
        `^\\d{4}-\\d\\d-\\d\\dT\\S+Z\\s+download\\s+/var/log/app/report\\.csv\\s+3\\.0MiB\\s+${REPORT_SHA}$`,
      ),
    );
    expect(lines[2]).toMatch(/\srename\s+\/tmp\/p\.part -> \/tmp\/p\s+-\s+-$/);
    expect(lines[3]).toMatch(
      /\srefused open\s+\/etc\/shadow\s+-\s+\/etc\/shadow is outside the paths this grant allows$/,
    );
    expect(lines).toHaveLength(4);
  });

  it('gives the log as transfers in --json, and null for a terminal session', async () => {
    const r = await b.runAt(T0 + 60_000, '--json', 'session', 'show', sftp);
    expect(r.code, r.stderr).toBe(0);
    const shown = JSON.parse(r.stdout) as { id: string; transfers: Record<string, unknown>[] };
    expect(shown.id).toBe(sftp);
    expect(shown.transfers.map((e) => [e['kind'], e['path']])).toEqual([
      ['file', '/var/log/app/report.csv'],
      ['change', '/tmp/p.part'],
      ['denied', '/etc/shadow'],
    ]);
    expect(shown.transfers[0]).toMatchObject({
      direction: 'download',
      bytes: 3 * 1024 * 1024,
      sha256: REPORT_SHA,
      ts: expect.stringMatching(/^\d{4}-\d\d-\d\dT[\d:.]+Z$/),
    });
    const other = await b.runAt(T0 + 60_000, '--json', 'session', 'show', shell);
    expect(JSON.parse(other.stdout)).toMatchObject({ id: shell, transfers: null });
    const text = await b.runAt(T0 + 60_000, 'session', 'show', shell);
    expect(text.stdout).not.toContain('OPERATION');
  });
});

describe('evidence of a transfer session', () => {
  it('exports the log beside the recording, and verify passes', async () => {
    expect([...members(tar).keys()]).toEqual([
      'evidence.json',
      'audit/checkpoint.json',
      'audit/events.jsonl',
      'nda.json',
      'grant.json',
      `sessions/${sftp}.cast.manifest.json`,
      `sessions/${sftp}.cast`,
      `sessions/${sftp}.transfers.json`,
      `sessions/${shell}.cast.manifest.json`,
      `sessions/${shell}.cast`,
    ]);
    const m = members(tar).get(`sessions/${sftp}.transfers.json`)!;
    const log = JSON.parse(tar.subarray(m.start, m.start + m.size).toString('utf8')) as {
      sessionId: string;
      entries: { path: string }[];
    };
    expect(log.sessionId).toBe(sftp);
    expect(log.entries.map((e) => e.path)).toEqual([
      '/var/log/app/report.csv',
      '/tmp/p.part',
      '/etc/shadow',
    ]);
    const ok = await verifyEdited(() => undefined);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('sessions: 2 verified');
    expect(ok.stdout).toContain("transfer logs: 1 verified against the chain's transfer events");
  });

  it('names the tampered entry of the log', async () => {
    const name = `sessions/${sftp}.transfers.json`;
    const tampered = [
      [
        editMember(name, REPORT_SHA.slice(0, 8), '00000000'),
        /entry 1 \(seq \d+\): sha256 differs from the transfer\.file event/,
      ],
      [
        editMember(name, '/tmp/p.part', '/tmp/q.part'),
        /entry 2 \(seq \d+\): path differs from the transfer\.change event/,
      ],
      [
        editMember(name, '"denied"', '"change"'),
        /entry 3 \(seq \d+\): kind differs from the transfer\.denied event/,
      ],
    ] as const;
    for (const [edit, problem] of tampered) {
      const r = await verifyEdited(edit);
      expect(r.code).toBe(1);
      expect(isOneLineError(r), r.stderr).toBe(true);
      expect(r.stderr).toMatch(
        new RegExp(`^gatehouse: evidence: sessions/${sftp}\\.transfers\\.json: ${problem.source}`),
      );
    }
  });

  it('refuses to export a log the chain does not back: an edited row, or rows deleted', async () => {
    const exportTo = (name: string): Promise<Run> =>
      b.runAt(
        T0 + 3_600_000,
        'evidence',
        'export',
        '--grant',
        String(b.grants.alice.id),
        '-o',
        join(b.cli.dir, name),
      );
    const db = await Database.open(b.config.database.path);
    try {
      await db.run(
        "UPDATE session_transfers SET sha256 = ? WHERE path = '/var/log/app/report.csv'",
        ['00'.repeat(32)],
      );
      const edited = await exportTo('edited.tar');
      expect(edited.code).toBe(1);
      expect(edited.stderr).toMatch(
        new RegExp(
          `^gatehouse: evidence: the exported file fails its own check: sessions/${sftp}\\.transfers\\.json: entry 1 \\(seq \\d+\\): sha256 differs from the transfer\\.file event\n$`,
        ),
      );
      await db.run('DELETE FROM session_transfers');
      const deleted = await exportTo('deleted.tar');
      expect(deleted.code).toBe(1);
      expect(deleted.stderr).toMatch(
        new RegExp(
          `^gatehouse: evidence: the exported file fails its own check: sessions/${sftp}\\.transfers\\.json: missing: the segment has 3 transfer events of the session\n$`,
        ),
      );
    } finally {
      await db.close();
    }
  });
});
