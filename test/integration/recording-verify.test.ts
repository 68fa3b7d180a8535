import { readFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SessionId } from '../../src/core/model.js';
import { Database } from '../../src/store/database.js';
import { makeUserKey } from '../helpers/keys.js';
import { tempDir } from '../helpers/tmp.js';
import { isOneLineError } from './cli-harness.js';
import { editLines, HOUR, makeBench, T0, type Bench, type Step } from './replay-fixture.js';

let b: Bench;
beforeEach(async () => {
  b = await makeBench();
});
afterEach(async () => {
  await b.close();
});

const STEPS: Step[] = [
  { at: 0, out: 'ops@db1:~$ ' },
  { at: 400, out: 'uptime\r\n' },
  { at: 500, marker: 'uptime' },
  { at: 800, out: ' 12:00:01 up 3 days\r\n' },
  { at: 900, resize: [120, 40] },
  { at: 1200, out: 'ops@db1:~$ ' },
];
const EVENTS = STEPS.length;

const sealed = (): Promise<SessionId> => b.record({ grant: b.grants.alice, steps: STEPS });

async function sql(statement: string, params: (string | number)[]): Promise<void> {
  const db = await Database.open(b.config.database.path);
  try {
    await db.run(statement, params);
  } finally {
    await db.close();
  }
}

/** The FAIL line on stdout and the one-line error naming the recording, exit 1. */
async function expectFail(id: SessionId, problem: RegExp): Promise<string> {
  const r = await b.cli.run('recording', 'verify', id);
  expect(r.code).toBe(1);
  expect(isOneLineError(r)).toBe(true);
  expect(r.stderr).toMatch(new RegExp(`^gatehouse: recording: ${id} failed verification: `));
  expect(r.stdout).toMatch(new RegExp(`^FAIL ${id}: `));
  expect(r.stdout).toMatch(problem);
  return r.stdout;
}

describe('gatehouse recording verify', () => {
  it('passes an intact recording, in process and through bin/gatehouse.js', async () => {
    const id = await sealed();
    const { bytes } = (await b.store.sessions.get(id)) ?? { bytes: null };
    const expected = `ok ${id} ${EVENTS} events ${bytes} bytes\n`;
    expect(await b.cli.run('recording', 'verify', id)).toEqual({
      code: 0,
      stdout: expected,
      stderr: '',
    });
    expect(await b.cli.spawn('recording', 'verify', id)).toEqual({
      code: 0,
      stdout: expected,
      stderr: '',
    });
    expect(await b.cli.json('recording', 'verify', id)).toEqual({
      ok: true,
      verified: 1,
      failed: 0,
      skipped: 0,
      recordings: [{ sessionId: id, status: 'ok', events: EVENTS, bytes }],
    });
  });

  it('fails when a byte of the file is flipped', async () => {
    const id = await sealed();
    const file = await b.castPath(id);
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace('3 days', '4 days'));
    await expectFail(id, /file sha256 \w+ differs from the manifest's \(content edited\)/);
  });

  it('fails when a line is deleted', async () => {
    const id = await sealed();
    await editLines(await b.castPath(id), (lines) => lines.filter((_, i) => i !== 2));
    await expectFail(id, /file has 5 events, the manifest says 6 \(lines deleted or added\)/);
  });

  it('fails naming the line when two lines are swapped', async () => {
    const id = await sealed();
    await editLines(await b.castPath(id), (lines) => {
      const out = [...lines];
      [out[3], out[4]] = [lines[4] ?? '', lines[3] ?? ''];
      return out;
    });
    await expectFail(id, /lines reordered or edited\) \(line 5\)$/m);
  });

  it('fails when the manifest is edited', async () => {
    const id = await sealed();
    const manifestPath = `${await b.castPath(id)}.manifest.json`;
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as { events: number };
    await writeFile(manifestPath, JSON.stringify({ ...manifest, events: manifest.events - 1 }));
    await expectFail(id, /manifest signature is not valid/);
  });

  it('fails when the session row’s sha256 is edited', async () => {
    const id = await sealed();
    await sql('UPDATE sessions SET sha256 = ? WHERE id = ?', ['0'.repeat(64), id]);
    await expectFail(
      id,
      /the audit chain \(seq \d+\) sealed sha256 "\w{64}", the session row has 0{64}/,
    );
  });

  it('fails when the recording.sealed event is edited (the chain no longer verifies)', async () => {
    const id = await sealed();
    await sql(
      `UPDATE audit_events SET payload = json_set(payload, '$.events', 99)
       WHERE type = 'recording.sealed' AND json_extract(payload, '$.sessionId') = ?`,
      [id],
    );
    await expectFail(id, /audit chain broken at seq \d+/);
  });

  it('fails a session that ended without being sealed', async () => {
    const id = await sealed();
    await sql('UPDATE sessions SET sha256 = NULL, bytes = NULL WHERE id = ?', [id]);
    await expectFail(id, /not sealed: the session row has no recording sha256/);
    await sql("DELETE FROM audit_events WHERE type = 'recording.sealed'", []); // chain now broken too
    expect((await b.cli.run('recording', 'verify', id)).code).toBe(1);
  });

  it('fails when the file is emptied or missing', async () => {
    const id = await sealed();
    await writeFile(await b.castPath(id), '');
    await expectFail(id, /recording file is empty/);
    await unlink(await b.castPath(id));
    await expectFail(id, /recording file is missing/);
  });
});

describe('gatehouse recording verify --all', () => {
  it('says ok 0 recordings when there are none', async () => {
    expect(await b.cli.run('recording', 'verify', '--all')).toEqual({
      code: 0,
      stdout: 'ok 0 recordings\n',
      stderr: '',
    });
  });

  it('checks every ended session, skips live ones, and names the bad one', async () => {
    const good = await sealed();
    const live = await b.record({
      grant: b.grants.bob,
      steps: STEPS,
      live: true,
      startedAt: T0 + HOUR,
    });
    const ok = await b.cli.run('recording', 'verify', '--all');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(
      new RegExp(
        `^ok ${good} 6 events \\d+ bytes\\nskip ${live}: live session, recording not sealed yet\\nok 1 recordings \\(1 live skipped\\)\\n$`,
      ),
    );

    const bad = await b.record({
      grant: b.grants.bob,
      steps: STEPS,
      startedAt: Date.UTC(2026, 10, 25),
    });
    await editLines(await b.castPath(bad), (lines) => lines.filter((_, i) => i !== 1));
    const r = await b.cli.run('recording', 'verify', '--all');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`ok ${good} 6 events`);
    expect(r.stdout).toContain(`FAIL ${bad}: `);
    expect(r.stdout).not.toMatch(/^ok \d+ recordings/m);
    expect(r.stderr).toBe(
      `gatehouse: recording: ${bad} failed verification: file has 5 events, the manifest says 6 (lines deleted or added)\n`,
    );

    const spawned = await b.cli.spawn('recording', 'verify', '--all');
    expect(spawned.code).toBe(1);
    expect(spawned.stderr).toContain(bad);

    const json = await b.cli.run('--json', 'recording', 'verify', '--all');
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      ok: false,
      verified: 1,
      failed: 1,
      skipped: 1,
    });
  });

  it('refuses a live session by id, and usage errors exit 2', async () => {
    const live = await b.record({ grant: b.grants.bob, steps: STEPS, live: true });
    const r = await b.cli.run('recording', 'verify', live);
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr: `gatehouse: recording: session ${live} is live; its recording is sealed when it ends\n`,
    });
    const unknown = await b.cli.run('recording', 'verify', '00000000-0000-4000-8000-000000000000');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^gatehouse: recording: no session with id /);
    for (const args of [[], ['--all', live], ['../x']]) {
      const u = await b.cli.run('recording', 'verify', ...args);
      expect(u.code).toBe(2);
      expect(isOneLineError(u)).toBe(true);
    }
  });

  it('fails every recording when the bastion key is another one', async () => {
    const id = await sealed();
    const other = await makeUserKey(await tempDir('gatehouse-other-key-'), 'other');
    await writeFile(`${b.config.ssh.hostKeyPath}.pub`, `${other.publicLine}\n`);
    await expectFail(id, /manifest signature is not valid/);
  });

  it('reports .cast files and manifests that no session row names, and a live session whose file is gone', async () => {
    const kept = await sealed();
    const orphan = await b.record({ grant: b.grants.bob, steps: STEPS, startedAt: T0 + HOUR });
    const manifestOnly = await b.record({
      grant: b.grants.bob,
      steps: STEPS,
      startedAt: T0 + 2 * HOUR,
    });
    const live = await b.record({
      grant: b.grants.alice,
      steps: STEPS,
      live: true,
      startedAt: T0 + 3 * HOUR,
    });
    const orphanCast = await b.castPath(orphan);
    const manifestOnlyCast = await b.castPath(manifestOnly);
    const liveCast = await b.castPath(live);
    // Rows deleted (as a user with the database would, to hide a session); one .cast deleted too.
    await sql('DELETE FROM sessions WHERE id IN (?, ?)', [orphan, manifestOnly]);
    await unlink(manifestOnlyCast);
    await unlink(liveCast);
    const rel = (abs: string): string => path.relative(b.config.recordings.dir, abs);
    const noRow = 'has no session row (the session was deleted from the database?)';
    const r = await b.cli.run('recording', 'verify', '--all');
    expect(r.code).toBe(1);
    expect(isOneLineError(r)).toBe(true);
    const lines = r.stdout.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(5);
    expect(lines.find((l) => l.startsWith(`ok ${kept} `))).toBeDefined();
    expect(lines).toEqual(
      expect.arrayContaining([
        `FAIL ${live}: live session, but its recording file ${rel(liveCast)} is missing`,
        `FAIL ${orphan}: recording file ${rel(orphanCast)} ${noRow}`,
        `FAIL ${orphan}: manifest ${rel(orphanCast)}.manifest.json ${noRow}`,
        `FAIL ${manifestOnly}: manifest ${rel(manifestOnlyCast)}.manifest.json ${noRow}`,
      ]),
    );
    expect(r.stderr).toMatch(/\(4 of 5 recordings failed\)\n$/);
  });
});
