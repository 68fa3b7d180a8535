/**
 * Retention (issue 17, docs/retention.md) on real recordings in a temp recordings dir and a real
 * SQLite file: `recording prune [--dry-run]`, `recording hold|release`, and what replay, session
 * show/list and verify say of a pruned recording.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFile, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionId } from '../../src/core/model.js';
import { prunedEvent } from '../../src/core/retention.js';
import { isoTime } from '../../src/core/timestamp.js';
import { Database } from '../../src/store/database.js';
import { expectRefusal, isOneLineError } from './cli-harness.js';
import { makeBench, T0, type Bench } from './replay-fixture.js';

const DAY = 86_400_000;
const iso = isoTime;

let b: Bench;
/** Ended 500 and 400 days before T0: due under 365d. */
let oldest: SessionId;
let old: SessionId;
/** Ended 600 days before T0, on legal hold. */
let held: SessionId;
/** Started 400 days before T0 and never ended. */
let live: SessionId;
/** Ended 10 days before T0. */
let recent: SessionId;

const ended = (daysAgo: number) => ({
  startedAt: T0 - daysAgo * DAY - 60_000,
  endedAt: T0 - daysAgo * DAY,
});

async function filesUnder(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const name of (await readdir(dir, { recursive: true })).sort()) {
    const abs = path.join(dir, name);
    if ((await stat(abs)).isFile())
      files.set(
        name,
        createHash('sha256')
          .update(await readFile(abs))
          .digest('hex'),
      );
  }
  return files;
}

/** Every file under the recordings dir and every row of the database, as they are. */
async function snapshot(): Promise<{ files: Map<string, string>; rows: string }> {
  return {
    files: await filesUnder(b.config.recordings.dir),
    rows: execFileSync('sqlite3', [b.config.database.path, '.dump'], { encoding: 'utf8' }),
  };
}

const sha256File = async (file: string) =>
  createHash('sha256')
    .update(await readFile(file))
    .digest('hex');

const exists = (file: string) =>
  stat(file).then(
    () => true,
    () => false,
  );

beforeAll(async () => {
  b = await makeBench();
  await appendFile(b.cli.configPath, '  retention: 365d\n');
  const steps = [{ at: 100, out: 'SELECT secret FROM vault;\r\n' }];
  const { alice } = b.grants;
  oldest = await b.record({ grant: alice, steps, ...ended(500) });
  old = await b.record({ grant: alice, steps, ...ended(400) });
  held = await b.record({ grant: alice, steps, ...ended(600) });
  live = await b.record({ grant: alice, steps, startedAt: T0 - 400 * DAY, live: true });
  recent = await b.record({ grant: alice, steps, ...ended(10) });
  for (const id of [oldest, old, held, recent])
    await b.store.recordingText.index(
      id,
      {
        chunks: [{ ownFrom: 0, times: [[0, 100]], body: 'SELECT secret FROM vault;' }],
        chars: 25,
        complete: true,
      },
      T0,
    );
});
afterAll(async () => {
  await b.close();
});

describe('recording hold and release', () => {
  it('holds a recording with a reason, audited; a second hold, an unknown id and a bad reason are refused', async () => {
    const r = await b.runAt(
      T0,
      'recording',
      'hold',
      held.slice(0, 8),
      '--reason',
      'LIT-2291 discovery',
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${held}: on legal hold: LIT-2291 discovery\n`);
    const [event] = await b.store.audit.list({ type: 'recording.hold' });
    expect(event?.payload).toEqual({ sessionId: held, reason: 'LIT-2291 discovery' });
    expect(event?.actor).toMatch(/^os:/);

    await expectRefusal(
      b.cli,
      () => b.cli.run('recording', 'hold', held, '--reason', 'again'),
      1,
      'already on legal hold',
    );
    await expectRefusal(
      b.cli,
      () => b.cli.run('recording', 'hold', '00000000-0000-4000-8000-000000000000', '--reason', 'x'),
      1,
      'no session with id',
    );
    await expectRefusal(
      b.cli,
      () => b.cli.run('recording', 'hold', old, '--reason', ' '),
      2,
      '--reason: must not be empty',
    );
    await expectRefusal(
      b.cli,
      () => b.cli.run('recording', 'release', old, '--reason', 'x'),
      1,
      'is not on legal hold',
    );
  });

  it('the store refuses to mark a held or a live recording pruned, whatever the scan saw', async () => {
    const before = await b.cli.auditCount();
    for (const [id, why] of [
      [held, 'is on legal hold'],
      [live, 'is live'],
      [recent, 'is not past retention'],
    ] as const) {
      const s = await b.store.sessions.get(id);
      const candidate = {
        sessionId: id,
        grantId: b.grants.alice.id,
        recordingPath: s?.recordingPath ?? '',
        endedAt: s?.endedAt ?? 0,
      };
      await expect(
        b.store.retention.markPruned(
          prunedEvent(candidate, [], 365 * DAY),
          T0 - 365 * DAY,
          'os:test',
        ),
      ).rejects.toThrow(why);
      expect((await b.store.sessions.get(id))?.recordingPrunedAt).toBeNull();
    }
    expect(await b.cli.auditCount()).toBe(before);
  });

  it('session show and list say the recording is on legal hold', async () => {
    const show = await b.cli.run('session', 'show', held);
    expect(show.stdout).toMatch(/^recording state +on legal hold: LIT-2291 discovery$/m);
    const table = await b.cli.run('session', 'list');
    expect(table.stdout).toMatch(new RegExp(`^${held} .* on legal hold: LIT-2291 discovery$`, 'm'));
    const list = await b.cli.json<{ id: string; hold: { reason: string } | null }[]>(
      'session',
      'list',
    );
    expect(list.find((s) => s.id === held)?.hold?.reason).toBe('LIT-2291 discovery');
  });
});

describe('recording prune --dry-run', () => {
  it('says what would go (count, bytes, oldest) and changes no file and no row', async () => {
    const before = await snapshot();
    const r = await b.runAt(T0, 'recording', 'prune', '--dry-run');
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.slice(0, 2)).toEqual([
      expect.stringMatching(new RegExp(`^would prune ${oldest} ended ${iso(T0 - 500 * DAY)} \\d`)),
      expect.stringMatching(new RegExp(`^would prune ${old} ended ${iso(T0 - 400 * DAY)} \\d`)),
    ]);
    expect(lines[2]).toMatch(
      new RegExp(
        `^would prune 2 recordings \\(.+\\), oldest ended ${iso(T0 - 500 * DAY)}: sessions that ended before ${iso(T0 - 365 * DAY)} \\(retention 365d\\)$`,
      ),
    );
    expect(lines).toHaveLength(3);

    const doc = JSON.parse(
      (await b.runAt(T0, '--json', 'recording', 'prune', '--dry-run')).stdout,
    ) as {
      count: number;
      bytes: number;
      oldestEndedAt: string;
    };
    let bytes = 0;
    for (const id of [oldest, old]) {
      const cast = await b.castPath(id);
      bytes += (await stat(cast)).size + (await stat(`${cast}.manifest.json`)).size;
    }
    expect(doc).toMatchObject({
      dryRun: true,
      count: 2,
      bytes,
      oldestEndedAt: iso(T0 - 500 * DAY),
    });
    expect(await snapshot()).toEqual(before);
  });

  it('refuses a retention under one day, or none at all, with one line', async () => {
    await expectRefusal(
      b.cli,
      () => b.cli.run('recording', 'prune', '--dry-run', '--retention', '23h59m'),
      2,
      '--retention: "23h59m" is under the minimum retention of 1d',
    );
    await expectRefusal(
      b.cli,
      () => b.cli.run('recording', 'prune', '--retention', '1x'),
      2,
      'unknown unit',
    );
  });
});

describe('recording prune', () => {
  const expected = new Map<SessionId, { cast: string; manifest: string }>();

  it('removes the due recordings after chaining recording.pruned with their sha256; held, live and recent stay', async () => {
    for (const id of [oldest, old]) {
      const cast = await b.castPath(id);
      expected.set(id, {
        cast: await sha256File(cast),
        manifest: await sha256File(`${cast}.manifest.json`),
      });
    }
    const r = await b.runAt(T0, 'recording', 'prune');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      new RegExp(`^pruned ${oldest} ended .*\\npruned ${old} ended .*\\npruned 2 recordings`),
    );

    for (const id of [oldest, old]) {
      const cast = await b.castPath(id);
      expect(await exists(cast)).toBe(false);
      expect(await exists(`${cast}.manifest.json`)).toBe(false);
    }
    for (const id of [held, live, recent]) expect(await exists(await b.castPath(id))).toBe(true);

    const events = await b.store.audit.list({ type: 'recording.pruned' });
    expect(events.map((e) => e.payload['sessionId'])).toEqual([oldest, old]);
    for (const e of events) {
      const id = e.payload['sessionId'] as SessionId;
      const s = await b.store.sessions.get(id);
      expect(e.actor).toMatch(/^os:/);
      expect(e.payload).toMatchObject({
        reason: 'retention',
        retention: '365d',
        path: s?.recordingPath,
        files: [
          { path: s?.recordingPath, sha256: expected.get(id)?.cast },
          { path: `${s?.recordingPath}.manifest.json`, sha256: expected.get(id)?.manifest },
        ],
        filesNotListed: 0,
      });
      expect(expected.get(id)?.cast).toBe(s?.sha256);
      expect(s?.recordingPrunedAt).toBe(T0);
    }
  });

  it('drops the pruned recordings from the search index', async () => {
    const found = await b.store.recordingText.candidates('secret', 5, 50);
    expect(new Set(found.map((f) => f.session.id))).toEqual(new Set([held, recent]));
  });

  it('session show says pruned; replay of a pruned recording is one line, exit 1', async () => {
    const show = await b.cli.run('session', 'show', old);
    expect(show.stdout).toMatch(new RegExp(`^recording state +recording pruned ${iso(T0)}$`, 'm'));
    const table = await b.cli.run('session', 'list');
    expect(table.stdout).toMatch(new RegExp(`^${old} .* recording pruned ${iso(T0)}$`, 'm'));
    const replay = await b.cli.run('replay', old, '--text');
    expect(replay.code).toBe(1);
    expect(replay.stdout).toBe('');
    expect(isOneLineError(replay), replay.stderr).toBe(true);
    expect(replay.stderr).toContain(`the recording of ${old} was pruned ${iso(T0)} by retention`);
  });

  it('the chain verifies, and recording verify --all accepts the pruned recordings', async () => {
    expect((await b.cli.run('audit', 'verify')).code).toBe(0);
    const r = await b.cli.run('recording', 'verify', '--all');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`skip ${old}: pruned ${iso(T0)} by retention (audit seq `);
    expect(r.stdout).toMatch(/^ok 2 recordings \(1 live skipped, 2 pruned by retention\)$/m);
  });

  it('a second prune finds nothing; a release puts a held recording back under retention', async () => {
    const again = await b.runAt(T0, 'recording', 'prune');
    expect(again.stdout).toMatch(/^pruned 0 recordings \(0B\): sessions that ended before/);
    await expectRefusal(
      b.cli,
      () => b.cli.run('recording', 'hold', old, '--reason', 'too late'),
      1,
      'there is nothing left to hold',
    );

    const rel = await b.runAt(T0, 'recording', 'release', held, '--reason', 'LIT-2291 settled');
    expect(rel.stdout).toBe(`${held}: not on legal hold\n`);
    const [event] = await b.store.audit.list({ type: 'recording.release' });
    expect(event?.payload).toEqual({ sessionId: held, reason: 'LIT-2291 settled' });
    const r = await b.runAt(T0, '--json', 'recording', 'prune');
    expect(JSON.parse(r.stdout)).toMatchObject({
      count: 1,
      failed: 0,
      recordings: [{ sessionId: held }],
    });
    expect(await exists(await b.castPath(held))).toBe(false);
  });

  it('a file that cannot be removed is reported, the rest goes on, and the next prune finishes it', async () => {
    const stuck = await b.record({
      grant: b.grants.bob,
      steps: [{ at: 5, out: 'x' }],
      ...ended(700),
    });
    const next = await b.record({
      grant: b.grants.bob,
      steps: [{ at: 5, out: 'y' }],
      ...ended(699),
    });
    const stuckCast = await b.castPath(stuck);
    // A folder where its kept transfer files would be, holding a folder rm cannot remove as a
    // file: removal fails after the event, as a full or read-only disk would.
    const manifest = `${stuckCast}.manifest.json`;
    const manifestText = await readFile(manifest);
    await rm(manifest);
    await mkdir(path.join(manifest, 'x'), { recursive: true });
    try {
      const r = await b.runAt(T0, 'recording', 'prune');
      expect(r.code).toBe(1);
      expect(isOneLineError(r), r.stderr).toBe(true);
      expect(r.stderr).toContain(
        `recording prune: 1 of 2 recordings failed; first ${stuck}: pruned in the audit trail`,
      );
      expect(r.stdout).toContain(`pruned ${next} ended`);
      expect(await exists(await b.castPath(next))).toBe(false);
      expect((await b.store.sessions.get(stuck))?.recordingPrunedAt).toBe(T0);
    } finally {
      await rm(manifest, { recursive: true });
      await writeFile(manifest, manifestText);
    }
    const r = await b.runAt(T0, 'recording', 'prune');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`removed the files left by an earlier prune of ${stuck}`);
    expect(await exists(stuckCast)).toBe(false);
    expect(await exists(manifest)).toBe(false);
    const events = await b.store.audit.list({ type: 'recording.pruned' });
    expect(events.filter((e) => e.payload['sessionId'] === stuck)).toHaveLength(1);
  });

  it("evidence of a grant whose recordings were pruned exports, and verifies on the chain's recording.pruned", async () => {
    const out = path.join(b.cli.dir, 'bob-evidence.tar');
    const exported = await b.cli.run(
      'evidence',
      'export',
      '--grant',
      String(b.grants.bob.id),
      '-o',
      out,
    );
    expect(exported.code, exported.stderr).toBe(0);
    const verified = await b.cli.run('evidence', 'verify', out);
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stdout).toContain(
      'pruned: 2 of them without their recording, pruned by retention',
    );
    const [entry] = await b.store.audit.list({ type: 'evidence.export' });
    expect(entry?.payload).toMatchObject({ sessionCount: 2, missingRecordings: 0 });
  });

  it('kept transfer files beside a recording are hashed into the event and removed with it, and its empty folders too', async () => {
    const id = await b.record({ grant: b.grants.bob, steps: [{ at: 5, out: 'z' }], ...ended(900) });
    const cast = await b.castPath(id);
    const kept = path.join(cast.replace(/\.cast$/, '.kept'), '000001');
    await mkdir(path.dirname(kept), { recursive: true });
    await writeFile(kept, 'kept copy of a download\n');
    const keptSha = await sha256File(kept);
    const r = await b.runAt(T0, 'recording', 'prune');
    expect(r.code, r.stderr).toBe(0);
    const event = (await b.store.audit.list({ type: 'recording.pruned' })).find(
      (e) => e.payload['sessionId'] === id,
    );
    const rel = (await b.store.sessions.get(id))?.recordingPath ?? '';
    expect(event?.payload['files']).toEqual([
      expect.objectContaining({ path: rel }),
      expect.objectContaining({ path: `${rel}.manifest.json` }),
      {
        path: `${rel.replace(/\.cast$/, '.kept')}/000001`,
        bytes: 24,
        sha256: keptSha,
      },
    ]);
    // Nothing else was recorded that day, month or year: the folders go too.
    expect(await exists(path.join(b.config.recordings.dir, rel.slice(0, 4)))).toBe(false);
  });

  it('recording verify fails a row marked pruned that the chain does not prove', async () => {
    const db = await Database.open(b.config.database.path);
    try {
      await db.run('UPDATE sessions SET recording_pruned_at = ? WHERE id = ?', [T0, recent]);
    } finally {
      await db.close();
    }
    const r = await b.cli.run('recording', 'verify', recent);
    expect(r.code).toBe(1);
    expect(isOneLineError(r), r.stderr).toBe(true);
    expect(r.stderr).toContain(
      `${recent} failed verification: the session row says pruned, but the audit chain has no recording.pruned event`,
    );
  });
});
