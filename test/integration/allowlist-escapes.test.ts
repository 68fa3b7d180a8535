/**
 * Every escape attempt of the corpus, end to end against the real sshd target: refused with 126
 * and the message, nothing run on the target (its ForceCommand wrapper logs every command), and
 * exactly one audit row (exec.denied) per attempt.
 */
import type ssh2 from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBastion, type BastionFixture, type TestUser } from '../helpers/bastion.js';
import { ESCAPE_ALLOWLIST, ESCAPE_CORPUS } from '../helpers/escape-corpus.js';
import { runSsh } from '../helpers/ssh-client.js';
import { ssh2Connect, ssh2Exec } from '../helpers/ssh2-client.js';
import { auditAfter, lastSeq } from './allowlist-harness.js';

let b: BastionFixture;
let eve: TestUser & { readonly grant: { readonly id: number } };
let client: ssh2.Client;
beforeAll(async () => {
  b = await startBastion();
  eve = await b.userWithGrant('eve', { mode: 'commands', allowlist: ESCAPE_ALLOWLIST });
  client = await ssh2Connect(b.login(eve));
});
afterAll(async () => {
  client.end();
  await b.stop();
});

const message = (): string => `gatehouse: command not allowed by grant ${eve.grant.id}`;

describe('escape corpus end to end', () => {
  it(`refuses all ${ESCAPE_CORPUS.length} attempts sent as protocol-level exec (ssh2), one exec.denied row each`, async () => {
    expect(ESCAPE_CORPUS.length).toBeGreaterThanOrEqual(40);
    const before = await b.sshd.commands();
    for (const attempt of ESCAPE_CORPUS) {
      const from = await lastSeq(b.store);
      const r = await ssh2Exec(client, attempt.command);
      expect({ name: attempt.name, code: r.code, stdout: r.stdout }).toEqual({
        name: attempt.name,
        code: 126,
        stdout: '',
      });
      expect(r.stderr, attempt.name).toBe(`${message()}\n`);
      const rows = await auditAfter(b.store, from);
      expect(
        rows.map((x) => x.type),
        attempt.name,
      ).toEqual(['exec.denied']);
      expect(rows[0]?.payload, attempt.name).toMatchObject({
        grantId: eve.grant.id,
        user: 'eve',
        target: 'db1',
        reason: attempt.reason,
      });
    }
    expect(await b.sshd.commands()).toEqual(before);
    expect(await b.store.sessions.list()).toEqual([]);
  }, 60_000);

  it('refuses the attempts the OpenSSH client can send, with and without a pty requested', async () => {
    const sendable = ESCAPE_CORPUS.filter((a) => a.clientCanSend);
    const before = await b.sshd.commands();
    const from = await lastSeq(b.store);
    // A few at a time: each is its own ssh process and connection.
    const results: { name: string; code: number | null; stderr: string; stdout: string }[] = [];
    const queue = [...sendable];
    const worker = async (): Promise<void> => {
      for (let a = queue.shift(); a !== undefined; a = queue.shift()) {
        const r = await runSsh(b.login(eve), { command: [a.command], extra: ['-T'] });
        results.push({ name: a.name, code: r.code, stderr: r.stderr, stdout: r.stdout.toString() });
      }
    };
    await Promise.all(Array.from({ length: 6 }, worker));
    for (const r of results) {
      expect({ name: r.name, code: r.code, stdout: r.stdout }).toEqual({
        name: r.name,
        code: 126,
        stdout: '',
      });
      expect(r.stderr, r.name).toContain(message());
    }
    const rows = await auditAfter(b.store, from);
    expect(rows.map((x) => x.type)).toEqual(sendable.map(() => 'exec.denied'));
    const reasons = (list: readonly string[]): string[] => [...list].sort();
    expect(reasons(rows.map((x) => String(x.payload['reason'])))).toEqual(
      reasons(sendable.map((a) => a.reason)),
    );

    // With a pty requested (ssh2, so the request is certain): still refused before anything runs.
    const ptyFrom = await lastSeq(b.store);
    for (const name of ['pager', 'editor', 'bash', 'semicolon', 'dollar-paren']) {
      const attempt = ESCAPE_CORPUS.find((a) => a.name === name);
      if (attempt === undefined) throw new Error(`corpus has no ${name}`);
      const r = await ssh2Exec(client, attempt.command, { pty: true });
      expect(r.code, name).toBe(126);
      expect(r.stderr, name).toBe(`${message()}\r\n`);
    }
    expect((await auditAfter(b.store, ptyFrom)).map((x) => x.type)).toEqual(
      Array(5).fill('exec.denied'),
    );
    expect(await b.sshd.commands()).toEqual(before);
    expect(await b.store.sessions.list()).toEqual([]);
  }, 90_000);
});
