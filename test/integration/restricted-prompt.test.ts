import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBastion, type BastionFixture } from '../helpers/bastion.js';
import { ptySsh } from '../helpers/ssh-client.js';
import { auditAfter, lastSeq, sessionsSettled } from './allowlist-harness.js';

const ALLOW = [
  'uptime',
  'df -h',
  'echo {word}',
  'sleep {int}',
  'ls {path:/nonexistent-gatehouse/*}',
  'systemctl status {word}',
];
const PROMPT = /db1 \[carol, (59m\d+s|1h) left\]> /;

let b: BastionFixture;
beforeAll(async () => {
  b = await startBastion();
});
afterAll(async () => {
  await b.stop();
});

describe('restricted prompt (ssh -t under a commands grant)', () => {
  it('edits, completes, runs allowed lines on the target, refuses the rest, interrupts, exits', async () => {
    const carol = await b.userWithGrant('carol', { mode: 'commands', allowlist: ALLOW });
    const from = await lastSeq(b.store);
    const t = ptySsh(b.login(carol), { cols: 120, rows: 30 });
    const ran = async (command: string): Promise<number> =>
      (await b.sshd.commands()).filter((c) => c === command).length;
    try {
      await t.waitFor(/this session is recorded; grant #\d+/);
      await t.waitFor(PROMPT);

      let mark = t.output().length;
      t.write('help\r');
      await t.waitFor(/Allowed commands:/, 30_000, mark);
      await t.waitFor(PROMPT, 30_000, mark);
      for (const p of ALLOW) expect(t.output().slice(mark)).toContain(`  ${p}\r\n`);

      mark = t.output().length;
      t.write('upt\t');
      await t.waitFor(/> uptime/, 5_000, mark);
      t.write('\r');
      await t.waitFor(/load average/, 30_000, mark);
      await t.waitFor(PROMPT, 30_000, mark);

      mark = t.output().length;
      t.write('echo hello\r');
      await t.waitFor(/\r\nhello\r\n/, 30_000, mark);
      await t.waitFor(PROMPT, 30_000, mark);
      expect(await ran("'echo' 'hello'")).toBe(1);

      const before = await b.sshd.commands();
      mark = t.output().length;
      t.write('echo hi;id\r');
      await t.waitFor(
        new RegExp(`gatehouse: command not allowed by grant ${carol.grant.id}`),
        30_000,
        mark,
      );
      await t.waitFor(PROMPT, 30_000, mark);
      expect(await b.sshd.commands()).toEqual(before);

      // History: Up recalls the last line (the refused one), Up again the one before.
      mark = t.output().length;
      t.write('\x1b[A');
      await t.waitFor(/> echo hi;id/, 5_000, mark);
      t.write('\x1b[A');
      await t.waitFor(/> echo hello/, 5_000, mark);
      t.write('\r');
      await t.waitFor(/\r\nhello\r\n/, 30_000, mark);
      await t.waitFor(PROMPT, 30_000, mark);
      expect(await ran("'echo' 'hello'")).toBe(2);

      // Line editing: Ctrl-A, insert, End, backspace.
      mark = t.output().length;
      t.write('cho edit\x01e\x05x\x7f\r');
      await t.waitFor(/\r\nedit\r\n/, 30_000, mark);
      await t.waitFor(PROMPT, 30_000, mark);

      mark = t.output().length;
      t.write('ls /nonexistent-gatehouse/x\r');
      await t.waitFor(/No such file or directory/, 30_000, mark);
      await t.waitFor(/\[exit 2\]\r\n/, 30_000, mark);
      await t.waitFor(PROMPT, 30_000, mark);

      t.write('sleep 30\r');
      const deadline = Date.now() + 10_000;
      while ((await ran("'sleep' '30'")) === 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 300));
      mark = t.output().length;
      const interruptedAt = Date.now();
      t.write('\x03');
      await t.waitFor(PROMPT, 2_000, mark);
      expect(Date.now() - interruptedAt).toBeLessThan(2_000);
      expect(t.output().slice(mark)).toMatch(/\^C/);

      t.write('exit\r');
      expect(await t.exited).toBe(0);
    } finally {
      t.kill();
    }
    await sessionsSettled(b.store);
    const sessions = (await b.store.sessions.list()).filter((s) => s.grantId === carol.grant.id);
    expect(sessions).toMatchObject([{ endReason: 'closed', exitStatus: 0 }]);
    const rows = await auditAfter(b.store, from);
    const sessionId = sessions[0]?.id;
    const allowed = rows.filter((r) => r.type === 'exec.allowed').map((r) => r.payload);
    expect(allowed.map((p) => p['argv'])).toEqual([
      ['uptime'],
      ['echo', 'hello'],
      ['echo', 'hello'],
      ['echo', 'edit'],
      ['ls', '/nonexistent-gatehouse/x'],
      ['sleep', '30'],
    ]);
    expect(
      allowed.every((p) => p['sessionId'] === sessionId && p['grantId'] === carol.grant.id),
    ).toBe(true);
    const denied = rows.filter((r) => r.type === 'exec.denied').map((r) => r.payload);
    expect(denied).toMatchObject([
      { sessionId, reason: 'unsafe_character', user: 'carol', target: 'db1' },
    ]);
  }, 60_000);

  it('completes placeholders patterns as hints, Ctrl-D on an empty line leaves with status 0', async () => {
    const dan = await b.userWithGrant('dan', { mode: 'commands', allowlist: ALLOW });
    const t = ptySsh(b.login(dan), { cols: 120, rows: 30 });
    try {
      await t.waitFor(/db1 \[dan, (59m\d+s|1h) left\]> /);
      let mark = t.output().length;
      t.write('sys\t');
      await t.waitFor(/> systemctl status /, 5_000, mark);
      mark = t.output().length;
      t.write('\t');
      await t.waitFor(/\r\n {2}systemctl status \{word\}\r\n/, 5_000, mark);
      t.write('\x15\x04');
      expect(await t.exited).toBe(0);
    } finally {
      t.kill();
    }
  });

  it('a revocation closes the prompt and its running command within 2 s', async () => {
    const erin = await b.userWithGrant('erin', { mode: 'commands', allowlist: ALLOW });
    const t = ptySsh(b.login(erin), { cols: 120, rows: 30 });
    try {
      await t.waitFor(/db1 \[erin, (59m\d+s|1h) left\]> /);
      t.write('sleep 40\r');
      const deadline = Date.now() + 10_000;
      while (!(await b.sshd.commands()).includes("'sleep' '40'") && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      await b.store.grants.revoke(erin.grant.id, 'contract ended', Date.now(), 'test-admin');
      const revokedAt = Date.now();
      expect(await t.exited).toBe(255);
      expect(Date.now() - revokedAt).toBeLessThanOrEqual(2500);
      expect(t.output()).toMatch(
        new RegExp(`grant #${erin.grant.id} is no longer valid; session closed`),
      );
    } finally {
      t.kill();
    }
    await sessionsSettled(b.store);
    const [s] = (await b.store.sessions.list()).filter((x) => x.grantId === erin.grant.id);
    expect(s?.endReason).toBe('revoked');
  });
});
