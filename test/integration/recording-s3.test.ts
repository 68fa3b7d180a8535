/**
 * `recordings.store: s3` (docs/recording-storage.md) against a real S3-compatible server
 * (test/helpers/s3-server.ts): real ssh sessions through gatehouse, their recordings uploaded
 * with the right sha256 and read back by replay, verify and evidence export; an outage during a
 * session, a spool left by a stopped run, and strict mode while the store is down.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { parseManifest } from '../../src/recording/manifest.js';
import { systemClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/logging/logger.js';
import { openRecordingStore } from '../../src/recording-s3/open-recording-store.js';
import { pruneRecordings } from '../../src/retention/prune-recordings.js';
import { startGatehouse } from '../../src/main.js';
import { hashPassword } from '../../src/web/password.js';
import { startBastion, type BastionFixture } from '../helpers/bastion.js';
import { eventually } from '../helpers/eventually.js';
import { startS3Server, type S3Server } from '../helpers/s3-server.js';
import { ptySsh, runSsh } from '../helpers/ssh-client.js';
import { endedSession, present, serve, uploaded } from './recording-s3-harness.js';
import { login, PASSWORD, raw, REVIEWER } from './web-fixture.js';

const PREFIX = 'node-a/';
const DAY_MS = 86_400_000;
const STORE_DOWN =
  'gatehouse: recordings cannot be stored right now (the recording store is down); access refused';

let s3: S3Server;
let b: BastionFixture;
beforeAll(async () => {
  s3 = await startS3Server();
  b = await startBastion({
    recordings: ['  mode: best_effort', ...s3.configLines(PREFIX)],
    extraConfig: 'web:\n  listen: 127.0.0.1:0',
  });
  await b.store.reviewers.add(REVIEWER, await hashPassword(PASSWORD), 'admin');
});
afterAll(async () => {
  await b?.stop();
  await s3?.stop();
});

describe('recordings.store s3', () => {
  it('uploads the sealed recording and its manifest with the sha256 sealed; replay, verify and evidence read the bucket', async () => {
    const alice = await b.userWithGrant('alice');
    const r = await runSsh(b.login(alice), { command: ['echo stored-in-the-bucket'] });
    expect(r.code).toBe(0);
    const session = await endedSession(b.store, alice.grant.id);
    await uploaded(s3, PREFIX, b.dir, session);

    const key = `${PREFIX}${session.recordingPath!}`;
    expect(await s3.sha256(key)).toBe(session.sha256);
    const manifest = parseManifest((await s3.object(`${key}.manifest.json`)).toString('utf8'));
    expect(manifest.ok && manifest.manifest).toMatchObject({
      sessionId: session.id,
      sha256: session.sha256,
      bytes: session.bytes,
    });

    const replay = await b.cli(['replay', session.id, '--text']);
    expect(replay.stderr).toBe('');
    expect(replay.stdout).toContain('stored-in-the-bucket');
    const verify = await b.cli(['recording', 'verify', session.id]);
    expect(verify).toMatchObject({ code: 0, stderr: '' });
    expect(verify.stdout).toContain(session.id);
    const all = await b.cli(['recording', 'verify', '--all', '--json']);
    expect(all.code).toBe(0);

    const out = join(b.dir, 'alice-evidence.tar');
    const exported = await b.cli([
      'evidence',
      'export',
      '--grant',
      String(alice.grant.id),
      '-o',
      out,
    ]);
    expect(exported).toMatchObject({ code: 0, stderr: '' });
    expect((await b.cli(['evidence', 'verify', out])).code).toBe(0);

    // The review page: the session page verifies it, the player's cast is the bucket's object.
    const base = `http://127.0.0.1:${b.running.web!.port}`;
    const cookie = await login(base);
    const page = await raw(base, 'GET', `/sessions/${session.id}`, { Cookie: cookie });
    expect(page.status).toBe(200);
    expect(page.body).toContain(`Recording verified: sha256 <code>${session.sha256}</code>`);
    const cast = await raw(base, 'GET', `/sessions/${session.id}.cast`, { Cookie: cookie });
    expect(cast.status).toBe(200);
    expect(cast.body).toBe((await s3.object(key)).toString('utf8'));

    // The search index read it too (from the spool or the bucket, whichever held it then).
    const found = await b.store.recordingText.candidates('stored-in-the-bucket', 5, 10);
    expect(found.map((c) => c.session.id)).toContain(session.id);
  });

  it('a recording whose object was changed in the bucket fails verify', async () => {
    const bob = await b.userWithGrant('bob');
    expect((await runSsh(b.login(bob), { command: ['echo original'] })).code).toBe(0);
    const session = await endedSession(b.store, bob.grant.id);
    await uploaded(s3, PREFIX, b.dir, session);
    const { PutObjectCommand, S3Client } = await import('@aws-sdk/client-s3');
    const key = `${PREFIX}${session.recordingPath!}`;
    const edited = (await s3.object(key)).toString('utf8').replace('original', 'innocent');
    const client = new S3Client({
      region: 'us-east-1',
      endpoint: s3.endpoint,
      forcePathStyle: true,
    });
    await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: edited }));
    const verify = await b.cli(['recording', 'verify', session.id]);
    expect(verify.code).toBe(1);
    expect(verify.stdout + verify.stderr).toMatch(/sha256 .* differs from the manifest's/);
  });

  it('remove (retention) deletes the recording and its manifest from the bucket', async () => {
    const hank = await b.userWithGrant('hank');
    expect((await runSsh(b.login(hank), { command: ['echo to-be-pruned'] })).code).toBe(0);
    const session = await endedSession(b.store, hank.grant.id);
    await uploaded(s3, PREFIX, b.dir, session);
    const config = await loadConfig(b.configPath, {}, b.dir);
    const recordings = openRecordingStore(config.recordings, systemClock, silentLogger());
    await recordings.remove(session.recordingPath!);
    const key = `${PREFIX}${session.recordingPath!}`;
    expect(await s3.keys(key)).toEqual([]);
    const verify = await b.cli(['recording', 'verify', session.id]);
    expect(verify.code).toBe(1);
    expect(verify.stdout + verify.stderr).toContain('recording file is missing');
  });

  it('the store down during a session (best_effort): the session works, replay reads the spool, the upload happens when it is back', async () => {
    const carol = await b.userWithGrant('carol');
    const t = ptySsh(b.login(carol));
    try {
      await t.waitFor(/[#$] $/m, 30_000);
      await s3.stop();
      t.write('echo while-the-store-is-down\r');
      await t.waitFor(/^while-the-store-is-down\r?$/m);
      t.write('exit\r');
      expect(await t.exited).toBe(0);
    } finally {
      t.kill();
    }
    const session = await endedSession(b.store, carol.grant.id);
    const spool = join(b.dir, 'recordings', ...session.recordingPath!.split('/'));
    await new Promise((r) => setTimeout(r, 1500)); // an upload or two failed meanwhile
    expect(await present(spool)).toBe(true);
    expect(await present(`${spool}.manifest.json`)).toBe(true);
    const replay = await b.cli(['replay', session.id, '--text']);
    expect(replay.stdout).toContain('while-the-store-is-down');

    // A recording only the bucket holds cannot be read meanwhile: one line, exit 1.
    const [inBucket] = (await b.store.sessions.list()).filter((s) => s.id !== session.id);
    const unreadable = await b.cli(['replay', inBucket!.id, '--text']);
    expect(unreadable.code).toBe(1);
    expect(unreadable.stderr).toMatch(
      /^gatehouse: replay: cannot read the recording of \S+ from the recording store \(.+\)\n$/,
    );
    const unverified = await b.cli(['recording', 'verify', inBucket!.id]);
    expect(unverified.code).toBe(1);
    expect(unverified.stdout + unverified.stderr).toContain(
      'the recording cannot be read from the store (',
    );

    // Another login while the store is down: best_effort lets it in.
    const dave = await b.userWithGrant('dave');
    expect((await runSsh(b.login(dave), { command: ['echo still-allowed'] })).code).toBe(0);

    await s3.start();
    await uploaded(s3, PREFIX, b.dir, session, 30_000);
    expect(await s3.sha256(`${PREFIX}${session.recordingPath!}`)).toBe(session.sha256);
    await uploaded(s3, PREFIX, b.dir, await endedSession(b.store, dave.grant.id), 30_000);
  });
});

describe('a spool left by an earlier run', () => {
  it('kill -9 of serve mid-session: the next start seals the recording and uploads it', async () => {
    const gina = await b.userWithGrant('gina');
    const first = await serve(b);
    const t = ptySsh({ ...b.login(gina), port: first.port });
    try {
      await t.waitFor(/[#$] $/m, 30_000);
      t.write('echo before-the-crash\r');
      await t.waitFor(/^before-the-crash\r?$/m);
      await new Promise((r) => setTimeout(r, 400)); // past the recorder's flush
      first.proc.kill('SIGKILL');
      await t.exited;
    } finally {
      t.kill();
    }
    const second = await serve(b);
    try {
      const session = await endedSession(b.store, gina.grant.id);
      expect(session.endReason).toBe('interrupted');
      await uploaded(s3, PREFIX, b.dir, session);
      expect(await s3.sha256(`${PREFIX}${session.recordingPath!}`)).toBe(session.sha256);
      const text = (await s3.object(`${PREFIX}${session.recordingPath!}`)).toString('utf8');
      expect(text).toContain('before-the-crash');
    } finally {
      second.proc.kill('SIGTERM');
    }
  });

  it('is uploaded at the next start', async () => {
    const erin = await b.userWithGrant('erin');
    await s3.stop();
    expect((await runSsh(b.login(erin), { command: ['echo left-in-the-spool'] })).code).toBe(0);
    const session = await endedSession(b.store, erin.grant.id);
    await b.running.stop(); // the sshd stays; uploads not done stay in the spool
    const spool = join(b.dir, 'recordings', ...session.recordingPath!.split('/'));
    expect(await present(spool)).toBe(true);

    await s3.start();
    const config = await loadConfig(b.configPath, {}, b.dir);
    const again = await startGatehouse(config, { port: 0, logger: silentLogger() });
    try {
      await uploaded(s3, PREFIX, b.dir, session);
      expect(await s3.sha256(`${PREFIX}${session.recordingPath!}`)).toBe(session.sha256);
    } finally {
      await again.stop();
    }
  });
});

describe('strict mode with the store down', () => {
  it('refuses new sessions with one line once uploads have failed for strictOutage, and lets them in again when the store is back', async () => {
    const strict = await startBastion({
      sshd: b.sshd,
      recordings: ['  mode: strict', ...s3.configLines('strict/', ['strictOutage: 1s'])],
    });
    try {
      const frank = await strict.userWithGrant('frank');
      await s3.stop();
      const first = await runSsh(strict.login(frank), { command: ['echo first'] });
      expect({ code: first.code, stderr: first.stderr }).toMatchObject({ code: 0 });
      await new Promise((r) => setTimeout(r, 2500)); // the upload failed, retried, failing > 1s

      const refused = await runSsh(strict.login(frank), { command: ['echo second'] });
      expect(refused.code).toBe(255);
      expect(refused.stdout.toString()).toBe('');
      const lines = refused.stderr.split(/\r?\n/).filter((l) => l.startsWith('gatehouse:'));
      expect(lines).toEqual([STORE_DOWN]);
      const failures = await strict.auditTypes('recording.failure');
      expect(failures.at(-1)).toMatchObject({
        user: 'frank',
        stage: 'open',
        mode: 'strict',
        problem: expect.stringMatching(/^recording uploads have failed for \d+s \(last: /),
      });

      await s3.start();
      await eventually(
        async () => (await s3.keys('strict/')).length,
        (n) => n === 2,
        30_000,
      );
      const back = await runSsh(strict.login(frank), { command: ['echo third'] });
      expect(back.code).toBe(0);
      expect(back.stdout.toString()).toContain('third');
    } finally {
      await strict.stop();
    }
  });
});

describe('retention with recordings in the bucket', () => {
  it('prune hashes each due recording from the bucket into recording.pruned, then deletes its objects; a held one stays', async () => {
    const r = await startBastion({
      sshd: b.sshd,
      recordings: ['  mode: best_effort', ...s3.configLines('retention/')],
    });
    try {
      const ended = async (name: string) => {
        const user = await r.userWithGrant(name);
        expect((await runSsh(r.login(user), { command: ['echo pruned'] })).code).toBe(0);
        const session = await endedSession(r.store, user.grant.id);
        await uploaded(s3, 'retention/', r.dir, session);
        return session;
      };
      const due = await ended('ivan');
      const held = await ended('judy');
      const hold = await r.cli(['recording', 'hold', held.id, '--reason', 'legal hold LH-1']);
      expect(hold.code, hold.stderr).toBe(0);

      const config = await loadConfig(r.configPath, {}, r.dir);
      const steps = [];
      for await (const step of pruneRecordings({
        store: r.store,
        recordingsDir: config.recordings.dir,
        recordings: openRecordingStore(config.recordings, systemClock, silentLogger()),
        clock: { now: () => Date.now() + 2 * DAY_MS },
        retentionMs: DAY_MS,
        actor: 'admin:test',
      }))
        steps.push(step);
      expect(steps.map((s) => [s.sessionId, s.status])).toEqual([[due.id, 'pruned']]);

      expect(await s3.keys(`retention/${due.recordingPath!}`)).toEqual([]);
      expect(await s3.keys(`retention/${held.recordingPath!}`)).toHaveLength(2);
      const [pruned] = (await r.auditTypes('recording.pruned')).filter(
        (p) => p['sessionId'] === due.id,
      );
      expect(pruned).toMatchObject({ reason: 'retention' });
      expect(JSON.stringify(pruned)).toContain(due.sha256!);
      expect((await r.store.sessions.get(due.id))?.recordingPrunedAt).not.toBeNull();
    } finally {
      await r.stop();
    }
  });
});
