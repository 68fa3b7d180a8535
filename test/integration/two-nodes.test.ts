/**
 * Two nodes on one PostgreSQL and one bucket (issue 17): node A runs in this process, node B is
 * its own `gatehouse serve` process with the same host key, database and bucket and its own spool.
 * A revocation through A's CLI ends B's session within 2 s (LISTEN/NOTIFY); both nodes' events
 * are one chain that verifies; kill -9 of B loses no audit event, and B seals and uploads its
 * recording when it starts again, without touching A's live session.
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBastion, type BastionFixture } from '../helpers/bastion.js';
import { eventually } from '../helpers/eventually.js';
import { sharedPostgres } from '../helpers/postgres-server.js';
import { startS3Server, type S3Server } from '../helpers/s3-server.js';
import { ptySsh, runSsh, type PtySsh } from '../helpers/ssh-client.js';
import { endedSession, serve, uploaded } from './recording-s3-harness.js';
import { withConnectionAt } from './store-fixtures.js';

const PREFIX = 'nodes/';
const PROMPT = /[#$] $/m;

let s3: S3Server;
let a: BastionFixture;
let url: string;
let nodeB: { readonly proc: ChildProcess; readonly port: number } | null = null;

/** Node B: node A's config (host key, database, bucket) with its own name and spool. */
const startNodeB = () =>
  serve(a, {
    file: 'node-b.yaml',
    edit: (config) =>
      config
        .replace('name: node-a', 'name: node-b')
        .replace('  dir: recordings\n', '  dir: recordings-b\n'),
  });

const chain = () =>
  withConnectionAt(url, (db) =>
    db.all<{ seq: number; hash: string; node: string | null }>(
      'SELECT seq, hash, node FROM audit_events ORDER BY seq',
    ),
  );

async function shellOn(port: number, login: ReturnType<BastionFixture['login']>): Promise<PtySsh> {
  const t = ptySsh({ ...login, port });
  await t.waitFor(PROMPT, 30_000);
  return t;
}

beforeAll(async () => {
  s3 = await startS3Server();
  const pg = await sharedPostgres();
  url = pg.url(await pg.createEmptyDatabase());
  a = await startBastion({
    databaseUrl: url,
    recordings: s3.configLines(PREFIX),
    extraConfig: 'node:\n  name: node-a\n',
  });
  nodeB = await startNodeB();
}, 90_000);

afterAll(async () => {
  nodeB?.proc.kill('SIGTERM');
  await a?.stop();
  await s3?.stop();
});

describe('two nodes on one PostgreSQL and one bucket', () => {
  it('a revoke through node A ends a session on node B within 2 s', async () => {
    const alice = await a.userWithGrant('alice');
    const t = await shellOn(nodeB!.port, a.login(alice));
    try {
      const [live] = await eventually(
        () => a.store.sessions.list({ live: true, userName: 'alice' }),
        (l) => l.length === 1,
      );
      expect(live?.node).toBe('node-b');
      const started = performance.now();
      const r = await a.cli(['grant', 'revoke', String(alice.grant.id), '--reason', 'INC-17']);
      expect(r.code, r.stderr).toBe(0);
      expect(await t.exited).toBe(255);
      expect(performance.now() - started).toBeLessThan(2000);
      expect(t.output()).toContain(`grant #${alice.grant.id} is no longer valid; session closed`);
    } finally {
      t.kill();
    }
  });

  it("both nodes' events form one chain that verifies, each naming the node that wrote it", async () => {
    const bob = await a.userWithGrant('bob');
    for (const port of [a.port, nodeB!.port]) {
      const r = await runSsh({ ...a.login(bob), port }, { command: ['echo hello'] });
      expect(r.code, r.stderr).toBe(0);
    }
    const starts = await withConnectionAt(url, (db) =>
      db.all<{ node: string | null }>(
        "SELECT node FROM audit_events WHERE type = 'session.start' ORDER BY seq",
      ),
    );
    expect(starts.slice(-2).map((e) => e.node)).toEqual(['node-a', 'node-b']);
    const events = await chain();
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    const verify = await a.cli(['audit', 'verify']);
    expect(verify.stderr).toBe('');
    expect(verify.code).toBe(0);
  });

  it('kill -9 of node B loses no event; its restart seals and uploads its recording and leaves node A’s session alone', async () => {
    const carol = await a.userWithGrant('carol');
    const dave = await a.userWithGrant('dave');
    const onA = await shellOn(a.port, a.login(dave));
    const onB = await shellOn(nodeB!.port, a.login(carol));
    let before: Awaited<ReturnType<typeof chain>>;
    try {
      onB.write('echo before-the-crash\r');
      await onB.waitFor(/^before-the-crash\r?$/m);
      await new Promise((r) => setTimeout(r, 400)); // past the recorder's flush
      before = await chain();
      nodeB!.proc.kill('SIGKILL');
      await onB.exited;
    } finally {
      onB.kill();
    }
    nodeB = await startNodeB();
    try {
      const session = await endedSession(a.store, carol.grant.id);
      expect(session.endReason).toBe('interrupted');
      expect(session.node).toBe('node-b');
      await uploaded(s3, PREFIX, a.dir, session, 30_000, 'recordings-b');
      expect(await s3.sha256(`${PREFIX}${session.recordingPath!}`)).toBe(session.sha256);
      const text = (await s3.object(`${PREFIX}${session.recordingPath!}`)).toString('utf8');
      expect(text).toContain('before-the-crash');

      // Node A's session is still live and still answers.
      const [dLive] = await a.store.sessions.list({ userName: 'dave' });
      expect(dLive?.endedAt).toBeNull();
      onA.write('echo still-here\r');
      await onA.waitFor(/^still-here\r?$/m);

      const after = await chain();
      expect(after.slice(0, before.length)).toEqual(before);
      const verify = await a.cli(['audit', 'verify']);
      expect(verify.code, verify.stderr).toBe(0);
    } finally {
      onA.kill();
    }
  });
});
