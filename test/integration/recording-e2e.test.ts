import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readManifest } from '../../src/recording/manifest.js';
import { renderText } from '../../src/recording/replay.js';
import { verifyRecording } from '../../src/recording/verify-recording.js';
import { startBastion, type BastionFixture } from '../helpers/bastion.js';
import { ptySsh, runSsh } from '../helpers/ssh-client.js';
import {
  expectedRelativePath,
  hostPublicKey,
  recordedSession,
  runInPty,
  sha256,
} from './recording-e2e-harness.js';

let b: BastionFixture;
let recordings: string;
beforeAll(async () => {
  b = await startBastion();
  recordings = join(b.dir, 'recordings');
});
afterAll(async () => {
  await b.stop();
});

describe('every relayed session is recorded', () => {
  it('records an interactive shell: header, output with multibyte text, a resize; sealed, signed and in the chain', async () => {
    const alice = await b.userWithGrant('alice');
    const t = ptySsh(b.login(alice), { cols: 100, rows: 30 });
    try {
      await t.waitFor(/this session is recorded/);
      await t.waitFor(/[#$] $/m, 30_000);
      t.write('echo hello-recorded\r');
      await t.waitFor(/^hello-recorded\r?$/m);
      t.write("printf 'caf\\303\\251 \\360\\237\\230\\200\\n'\r");
      await t.waitFor(/^café 😀\r?$/m);
      const mark = t.output().length;
      t.resize(120, 40);
      await new Promise((r) => setTimeout(r, 300));
      t.write('stty size\r');
      await t.waitFor(/40 120/, 30_000, mark);
      t.write('exit 5\r');
      expect(await t.exited).toBe(5);
    } finally {
      t.kill();
    }

    const rec = await recordedSession(b.store, recordings, alice.grant.id);
    const { session } = rec;
    expect(session.recordingPath).toBe(expectedRelativePath(session));
    expect(rec.header).toMatchObject({
      version: 2,
      width: 100,
      height: 30,
      title: 'alice@db1',
      env: { TERM: 'xterm' },
    });
    expect(rec.header.timestamp).toBe(Math.floor(session.startedAt / 1000));
    expect(rec.events.some((e) => e.kind === 'r' && e.data === '120x40')).toBe(true);
    expect(rec.events.some((e) => e.kind === 'i')).toBe(false); // captureInput is off by default
    const text = renderText(rec.events);
    expect(text).toMatch(/^hello-recorded$/m);
    expect(text).toMatch(/^café 😀$/m);
    expect(text).toMatch(/gatehouse: this session is recorded/);
    const times = rec.events.map((e) => e.time);
    expect([...times].sort((x, y) => x - y)).toEqual(times);

    // The session row, the audit chain and the signed manifest agree with the file.
    expect(session).toMatchObject({
      endReason: 'closed',
      exitStatus: 5,
      bytes: rec.raw.length,
      sha256: sha256(rec.raw),
    });
    const sealed = (await b.auditTypes('recording.sealed')).filter(
      (p) => p['sessionId'] === session.id,
    );
    expect(sealed).toEqual([
      expect.objectContaining({
        path: session.recordingPath,
        sha256: session.sha256,
        bytes: session.bytes,
        events: rec.events.length,
      }),
    ]);
    const verified = await verifyRecording({
      dir: recordings,
      path: session.recordingPath!,
      expected: { sha256: session.sha256!, bytes: session.bytes!, events: rec.events.length },
      publicKeys: [await hostPublicKey(b.dir)],
    });
    expect(verified).toMatchObject({ ok: true });
    expect((await b.store.audit.verify()).ok).toBe(true);

    // The Debian asciinema CLI reads the file and prints the same text.
    const cat = await runInPty('asciinema', ['cat', rec.path]);
    expect(cat.code).toBe(0);
    expect(cat.output).toMatch(/^hello-recorded\r?$/m);
    expect(cat.output).toContain('café 😀');
  });

  it('records an exec: both streams, the command as a marker, exit status kept', async () => {
    const bob = await b.userWithGrant('bob');
    const command = 'echo out; echo err >&2; exit 3';
    const r = await runSsh(b.login(bob), { command: [command] });
    expect(r.code).toBe(3);
    expect(r.stdout.toString()).toBe('out\n');

    const rec = await recordedSession(b.store, recordings, bob.grant.id);
    expect(rec.header).toMatchObject({ width: 80, height: 24, title: `bob@db1: ${command}` });
    expect(rec.header.env?.TERM).toBeUndefined();
    expect(rec.events.filter((e) => e.kind === 'm').map((e) => e.data)).toContain(`$ ${command}`);
    // Without a pty the client's own terminal shows LF as CR LF: so does the recording.
    const lines = rec.output.split('\r\n');
    expect(lines).toContain('out');
    expect(lines).toContain('err');
    // gatehouse's banner is a marker, not output.
    expect(rec.output).not.toMatch(/this session is recorded/);
    expect(rec.events.filter((e) => e.kind === 'm').map((e) => e.data)).toContainEqual(
      expect.stringMatching(/^gatehouse: this session is recorded/),
    );
    expect(rec.session).toMatchObject({
      exitStatus: 3,
      bytes: rec.raw.length,
      sha256: sha256(rec.raw),
    });
    expect(await readManifest(rec.path)).toMatchObject({
      ok: true,
      manifest: { sessionId: rec.session.id, sha256: sha256(rec.raw) },
    });
  });

  it('keeps multibyte characters whole when they are split across packets and writes', async () => {
    const carol = await b.userWithGrant('carol');
    // 100000 '€' (3 bytes each) in 32 KiB packets, then one '€' cut in two by a pause.
    const command =
      "yes '€' | tr -d '\\n' | head -c 300000; printf '\\nA\\342'; sleep 0.3; printf '\\202\\254B\\n'";
    const r = await runSsh(b.login(carol), { command: [command], timeoutMs: 30_000 });
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toBe(`${'€'.repeat(100_000)}\nA€B\n`);

    const rec = await recordedSession(b.store, recordings, carol.grant.id);
    expect(rec.output).toContain(`${'€'.repeat(100_000)}\r\nA€B\r\n`);
    expect(rec.output).not.toContain('\uFFFD');
    // The split really happened: 'A' and the rest of the '€' arrived in different events.
    expect(rec.events.some((e) => e.kind === 'o' && e.data.endsWith('A'))).toBe(true);
  });
});

describe('markers', () => {
  it('marks the banner, an expiry warning given during the session, and an NDA acknowledged at this login', async () => {
    const erin = await b.addUser('erin');
    // Starts more than 5 minutes before the end: the 5-minute warning comes during the session.
    const grant = await b.addGrant(erin, {
      endsAt: Date.now() + 5 * 60_000 + 8_000,
      acknowledged: false,
    });
    const t = ptySsh(b.login(erin), { command: ['sleep 12; echo slept'], extra: ['-t'] });
    try {
      await t.waitFor(/Type "I agree" to continue: $/, 30_000);
      t.write('I agree\r');
      await t.waitFor(/ends in \d+m/, 30_000);
      await t.waitFor(/slept/, 30_000);
      await t.exited;
    } finally {
      t.kill();
    }
    const rec = await recordedSession(b.store, recordings, grant.id);
    const markers = rec.events.filter((e) => e.kind === 'm').map((e) => e.data);
    expect(markers).toEqual([
      '$ sleep 12; echo slept',
      expect.stringMatching(/^nda: NDA-erin \("Acme contractor NDA v3"\) acknowledged$/),
      expect.stringMatching(new RegExp(`^gatehouse: this session is recorded; grant #${grant.id}`)),
      expect.stringMatching(new RegExp(`^gatehouse: grant #${grant.id} ends in \\d+m\\d*s?`)),
    ]);
    expect(renderText(rec.events)).toMatch(/^slept$/m);
  });
});

describe('strict mode', () => {
  it('refuses a session whose recording cannot be created, with one line and a recording.failure event', async () => {
    const strict = await startBastion({ sshd: b.sshd });
    try {
      // The recordings dir is a regular file: every create fails with ENOTDIR.
      await writeFile(join(strict.dir, 'recordings'), 'not a directory\n');
      expect((await stat(join(strict.dir, 'recordings'))).isFile()).toBe(true);
      const dave = await strict.userWithGrant('dave');
      const command = 'echo must-not-run-7f3a';
      const r = await runSsh(strict.login(dave), { command: [command] });
      expect(r.code).toBe(255);
      expect(r.stdout.length).toBe(0);
      const lines = r.stderr.split('\n').filter((l) => l.startsWith('gatehouse:'));
      expect(lines).toEqual([
        'gatehouse: this session cannot be recorded right now; access refused',
      ]);
      expect(await strict.sshd.commands()).not.toContain(command);
      expect(
        (await strict.store.sessions.list()).filter((s) => s.grantId === dave.grant.id),
      ).toEqual([]);
      const failures = await strict.auditTypes('recording.failure');
      expect(failures).toEqual([
        expect.objectContaining({ user: 'dave', target: 'db1', mode: 'strict', stage: 'open' }),
      ]);
      expect(String(failures[0]?.['problem'])).toMatch(/ENOTDIR/);
    } finally {
      await strict.stop();
    }
  });
});
