/**
 * What a reviewer sees of a real ssh session: string sequences the user's terminal received
 * without drawing them, text printed then erased, gatehouse's own notices (marker events, never
 * output), line ends of an exec without a pty, and what an upload sent on stdin.
 */
import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreAuditor } from '../../src/adapters/store-auditor.js';
import { systemClock } from '../../src/core/clock.js';
import type { GrantId, SessionId } from '../../src/core/model.js';
import { silentLogger } from '../../src/logging/logger.js';
import { renderText } from '../../src/recording/replay.js';
import { hashPassword } from '../../src/web/password.js';
import { startWebServer, type WebServer } from '../../src/web/server.js';
import { startBastion, type BastionFixture } from '../helpers/bastion.js';
import { eventually } from '../helpers/eventually.js';
import { HIDDEN_SEQUENCES, printfFormat } from '../helpers/hidden-sequence-corpus.js';
import { ptySsh, runSsh, type PtySsh } from '../helpers/ssh-client.js';
import { hostPublicKey, recordedSession } from './recording-e2e-harness.js';
import {
  DEFAULT_SESSION_TIMEOUTS,
  NO_REQUEST_RULES,
  login,
  PASSWORD,
  raw,
  REVIEWER,
} from './web-fixture.js';

const KILL_NOTICE = 'gatehouse: session ended by an administrator: "done"';

let b: BastionFixture;
let recordings: string;
let web: WebServer;
let base: string;
let cookie: string;

beforeAll(async () => {
  b = await startBastion();
  recordings = join(b.dir, 'recordings');
  web = await startWebServer({
    listen: { host: '127.0.0.1', port: 0 },
    store: b.store,
    auditor: new StoreAuditor(b.store.audit, silentLogger()),
    recordingsDir: recordings,
    manifestKeys: [await hostPublicKey(b.dir)],
    clock: systemClock,
    logger: silentLogger(),
    publicUrl: null,
    trustedProxies: [],
    sessionTimeouts: DEFAULT_SESSION_TIMEOUTS,
    requestRules: () => NO_REQUEST_RULES,
  });
  base = `http://127.0.0.1:${web.port}`;
  await b.store.reviewers.add(REVIEWER, await hashPassword(PASSWORD), 'admin');
  cookie = await login(base);
});
afterAll(async () => {
  await web?.close();
  await b?.stop();
});

async function shellReady(t: PtySsh): Promise<void> {
  await t.waitFor(/this session is recorded/);
  t.write('echo ready-$((6*7))\r');
  // Up to the next prompt: a line typed before it is echoed twice (the tty, then readline).
  await t.waitFor(/ready-42\r\n[\s\S]*[#$] $/);
}

const sessionOf = async (grantId: GrantId): Promise<SessionId> =>
  (await b.store.sessions.list()).find((s) => s.grantId === grantId)!.id;

const get = (path: string): ReturnType<typeof raw> => raw(base, 'GET', path, { Cookie: cookie });

describe('string sequences and erased text', () => {
  it('replay --text, web search and the review page show what the terminal received unseen', async () => {
    const alice = await b.userWithGrant('alice');
    const t = ptySsh(b.login(alice));
    try {
      await shellReady(t);
      // Octal escapes only: the shell's echo of the command line holds none of the secrets.
      const hidden = HIDDEN_SEQUENCES.map((h) => printfFormat(h.output)).join('');
      t.write(`printf '${hidden}'; printf '${printfFormat('ERASED-SECRET\r\u001b[K')}'\r`);
      t.write('echo done-$((6*7))\r');
      await t.waitFor(/done-42/);
      t.write('exit\r');
      await t.exited;
    } finally {
      t.kill();
    }
    const id = await sessionOf(alice.grant.id);

    const replay = await b.cli(['replay', id, '--text']);
    expect(replay.code, replay.stderr).toBe(0);
    const lines = replay.stdout.split('\n');
    for (const h of HIDDEN_SEQUENCES) expect(lines, h.name).toContain(h.placeholder);

    const title = await get('/search?q=TITLE-SECRET');
    expect(title.status).toBe(200);
    expect(title.body).toMatch(/⟦OSC 0: <mark>TITLE-SECRET<\/mark>⟧/);
    const clip = await get('/search?q=CLIP-SECRET');
    expect(clip.body).toContain('⟦OSC 52 c: <mark>CLIP-SECRET</mark>⟧');
    // Printed, then erased by `\r ESC[K`: gone from the screen, found all the same.
    const erased = await get('/search?q=ERASED-SECRET');
    expect(erased.body).toContain('<mark>ERASED-SECRET</mark>');
    expect(erased.body).toContain(`/sessions/${id}#t=`);

    const page = await get(`/sessions/${id}`);
    expect(page.status).toBe(200);
    const panel = /<section id="hidden-sequences">[\s\S]*?<\/section>/.exec(page.body)?.[0] ?? '';
    for (const h of HIDDEN_SEQUENCES) expect(panel, h.name).toContain(h.placeholder);
    expect(panel).toMatch(/data-seek="[0-9.]+"/);
  });
});

describe('the hidden-sequence panel', () => {
  it('counts a prompt title set 1000 times on one entry and still lists a late exfiltration', async () => {
    const frank = await b.userWithGrant('frank');
    const t = ptySsh(b.login(frank));
    try {
      await shellReady(t);
      const prompt = printfFormat('\u001b]0;frank@db1: ~\u0007');
      const secret = printfFormat('\u001b]2;EXFIL-SECRET\u0007');
      t.write(
        `for i in $(seq 1000); do printf '${prompt}'; [ $i = 990 ] && printf '${secret}'; done; echo done-$((6*7))\r`,
      );
      await t.waitFor(/done-42/);
      t.write('exit\r');
      await t.exited;
    } finally {
      t.kill();
    }
    const page = await get(`/sessions/${await sessionOf(frank.grant.id)}`);
    expect(page.status).toBe(200);
    const panel = /<section id="hidden-sequences">[\s\S]*?<\/section>/.exec(page.body)?.[0] ?? '';
    const items = panel.split('<li>').slice(1);
    expect(items).toHaveLength(2);
    expect(items[0]).toContain('⟦OSC 0: frank@db1: ~⟧');
    expect(items[0]).toMatch(/1000 times, the last at <button type="button" data-seek="[0-9.]+">/);
    expect(items[1]).toContain('⟦OSC 2: EXFIL-SECRET⟧');
  });
});

describe("gatehouse's notices", () => {
  it('a real kill is a marker event; the same words printed by the user stay output', async () => {
    const carol = await b.userWithGrant('carol');
    const t = ptySsh(b.login(carol));
    try {
      await shellReady(t);
      t.write(`printf '%s\\n' '${KILL_NOTICE}'\r`);
      await t.waitFor(new RegExp(`^${KILL_NOTICE}\\r?$`, 'm'));
      const kill = await b.cli([
        'session',
        'kill',
        await sessionOf(carol.grant.id),
        '--reason',
        'done',
      ]);
      expect(kill.code).toBe(0);
      await t.exited;
      // The user's terminal got the real notice, as before (after the echo and printf's line).
      expect(t.output().split(KILL_NOTICE).length - 1).toBe(3);
    } finally {
      t.kill();
    }
    const rec = await recordedSession(b.store, recordings, carol.grant.id);
    expect(rec.session.endReason).toBe('killed');
    const markers = rec.events.filter((e) => e.kind === 'm').map((e) => e.data);
    expect(markers).toContain(KILL_NOTICE);
    // Not the last event: asciinema-player shows only markers before the end on its timeline.
    expect(rec.events.at(-1)?.kind).toBe('o');
    expect(markers.some((m) => m.startsWith('gatehouse: this session is recorded'))).toBe(true);
    // Output holds the user's printf (and its echo) only: no line of gatehouse's own.
    expect(rec.output).not.toMatch(/this session is recorded/);
    const printed = rec.output.split(KILL_NOTICE).length - 1;
    expect(printed).toBe(2); // the echoed command line and printf's output

    const text = renderText(rec.events);
    const notices = text.split('\n').filter((l) => l.includes(KILL_NOTICE));
    expect(notices.filter((l) => l === `⟦── ${KILL_NOTICE} ──⟧`)).toHaveLength(1);
    expect(notices.filter((l) => l.includes('⟦'))).toHaveLength(1);

    const replay = await b.cli(['replay', rec.session.id, '--text']);
    expect(replay.stdout.split('\n')).toContain(`⟦── ${KILL_NOTICE} ──⟧`);
  });
});

describe('exec without a pty', () => {
  it('records CR LF line ends, as the user’s cooked terminal showed them (stdout and stderr)', async () => {
    const dave = await b.userWithGrant('dave');
    const r = await runSsh(b.login(dave), {
      command: ['printf "one\\ntwo\\n"; printf "e1\\ne2\\n" >&2'],
    });
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toBe('one\ntwo\n'); // the user's bytes are unchanged
    const rec = await recordedSession(b.store, recordings, dave.grant.id);
    expect(rec.output).toContain('one\r\ntwo\r\n');
    expect(rec.output).toContain('e1\r\ne2\r\n');
    expect(rec.output).not.toMatch(/[^\r]\n/);
  });

  it('an upload on stdin: its byte count and sha256 on the row, in session.end and in session list/show', async () => {
    const erin = await b.userWithGrant('erin');
    const upload = Buffer.concat([Buffer.from('upload-'), Buffer.alloc(300_000, 7)]);
    const r = await runSsh(b.login(erin), { command: ['cat > /dev/null'], stdin: upload });
    expect(r.code).toBe(0);
    const digest = {
      bytes: upload.length,
      sha256: createHash('sha256').update(upload).digest('hex'),
    };
    const id = await sessionOf(erin.grant.id);
    expect((await b.store.sessions.get(id))?.stdin).toEqual(digest);
    const ended = (await b.auditTypes('session.end')).find((p) => p['sessionId'] === id);
    expect(ended).toMatchObject({ bytesIn: upload.length, stdin: digest });

    const list = await b.cli(['session', 'list', '--user', 'erin']);
    expect(list.stdout.split('\n')[1]).toMatch(/\s293\.0KiB\s+-$/); // then RECORDING
    const show = await b.cli(['session', 'show', id]);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toMatch(new RegExp(`^stdin bytes\\s+${upload.length}$`, 'm'));
    expect(show.stdout).toMatch(new RegExp(`^stdin sha256\\s+${digest.sha256}$`, 'm'));
    const page = await get(`/sessions/${id}`);
    expect(page.body).toContain(digest.sha256);
  });

  it('a session with a pty records no stdin digest (keystrokes)', async () => {
    const fay = await b.userWithGrant('fay');
    const t = ptySsh(b.login(fay));
    try {
      await shellReady(t);
      t.write('exit\r');
      await t.exited;
    } finally {
      t.kill();
    }
    const id = await sessionOf(fay.grant.id);
    expect((await b.store.sessions.get(id))?.stdin).toBeNull();
    const ended = (await b.auditTypes('session.end')).find((p) => p['sessionId'] === id);
    expect(ended).toMatchObject({ stdin: null });
  });
});

describe('search over the index of sealed recordings', () => {
  it('finds output of a real ssh session once sealed, without its .cast file, and lists its kind and command', async () => {
    const grace = await b.userWithGrant('grace');
    const t = ptySsh(b.login(grace));
    try {
      await shellReady(t);
      t.write('echo indexed-$((6*7))-word\r');
      await t.waitFor(/indexed-42-word/);
      t.write('exit\r');
      await t.exited;
    } finally {
      t.kill();
    }
    const id = await sessionOf(grace.grant.id);
    const { path } = await recordedSession(b.store, recordings, grace.grant.id);
    // Indexed in the background once sealed.
    const hits = await eventually(
      () => b.store.recordingText.candidates('indexed-42-word', 5, 10),
      (found) => found.length > 0,
    );
    expect(hits.map((c) => c.session.id)).toEqual([id]);
    await rm(path);
    const found = await get('/search?q=INDEXED-42-word');
    expect(found.status).toBe(200);
    expect(found.body).toContain('<mark>indexed-42-word</mark>');
    expect(found.body).toMatch(new RegExp(`/sessions/${id}#t=\\d+\\.\\d{3}`));
    expect((await get('/search?q=indexed-43-word')).body).toContain('No matches.');
    expect((await get('/search?q=ab')).status).toBe(400);

    const henry = await b.userWithGrant('henry');
    const r = await runSsh(b.login(henry), { command: ['echo', 'exec-word'] });
    expect(r.stdout.toString()).toContain('exec-word');
    const list = await get('/?user=henry');
    expect(list.body).toMatch(
      /<td>exec<\/td>\s*<td class="command mono" title="echo exec-word">echo exec-word<\/td>/,
    );
    const shell = await get('/?user=grace');
    expect(shell.body).toMatch(/<td>shell<\/td>\s*<td class="command mono" title="-">-<\/td>/);
  });
});
