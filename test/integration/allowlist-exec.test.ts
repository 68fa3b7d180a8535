import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { startBastion, type BastionFixture, type TestUser } from '../helpers/bastion.js';
import { ESCAPE_ALLOWLIST } from '../helpers/escape-corpus.js';
import { ptySsh, runSsh } from '../helpers/ssh-client.js';
import { auditAfter, lastSeq, sessionsSettled } from './allowlist-harness.js';

const ALLOW = [
  ...ESCAPE_ALLOWLIST,
  'echo {word}',
  'ls {path:/nonexistent-gatehouse/*}',
  'tty',
  'printenv {word}',
  'false',
];

let b: BastionFixture;
let bob: TestUser & { readonly grant: { readonly id: number } };
beforeAll(async () => {
  b = await startBastion();
  bob = await b.userWithGrant('bob', { mode: 'commands', allowlist: ALLOW });
});
afterAll(async () => {
  await b.stop();
});

describe('exec under a commands grant', () => {
  it('runs an allowed command as the quoted canonical argv and returns output and exit status', async () => {
    const from = await lastSeq(b.store);
    const r = await runSsh(b.login(bob), { command: ['echo hi'] });
    expect(r.stdout.toString()).toBe('hi\n');
    expect(r.code).toBe(0);
    expect(await b.sshd.commands()).toContain("'echo' 'hi'");
    await sessionsSettled(b.store);
    const rows = (await auditAfter(b.store, from)).filter((x) => !x.type.startsWith('recording.'));
    expect(rows.map((x) => x.type)).toEqual(['exec.allowed', 'session.start', 'session.end']);
    expect(rows[0]?.payload).toMatchObject({
      grantId: bob.grant.id,
      user: 'bob',
      target: 'db1',
      argv: ['echo', 'hi'],
    });
    expect(rows[1]?.payload).toMatchObject({ command: "'echo' 'hi'" });

    const up = await runSsh(b.login(bob), { command: ['uptime'] });
    expect(up.code).toBe(0);
    expect(up.stdout.toString()).toMatch(/load average/);

    const failed = await runSsh(b.login(bob), { command: ['ls /nonexistent-gatehouse/x'] });
    expect(failed.code).toBe(2);
    expect(failed.stderr).toMatch(/No such file or directory/);
    expect((await runSsh(b.login(bob), { command: ['false'] })).code).toBe(1);
    const sessions = (await b.store.sessions.list()).filter((s) => s.grantId === bob.grant.id);
    expect(sessions.map((s) => s.exitStatus).sort()).toEqual([0, 0, 1, 2]);
  });

  it('refuses a command outside the allowlist with 126, runs nothing, writes one exec.denied row', async () => {
    await sessionsSettled(b.store);
    const before = await b.sshd.commands();
    const from = await lastSeq(b.store);
    const r = await runSsh(b.login(bob), { command: ['echo hi; id'] });
    expect(r.code).toBe(126);
    expect(r.stderr).toContain(`gatehouse: command not allowed by grant ${bob.grant.id}`);
    expect(r.stdout.toString()).toBe('');
    expect(await b.sshd.commands()).toEqual(before);
    const rows = await auditAfter(b.store, from);
    expect(rows.map((x) => x.type)).toEqual(['exec.denied']);
    expect(rows[0]?.payload).toMatchObject({
      grantId: bob.grant.id,
      user: 'bob',
      target: 'db1',
      reason: 'unsafe_character',
    });
    expect(String(rows[0]?.payload['detail'])).toMatch(/unsafe character ";"/);
  });

  it('never gives an allowlisted command a pty, even with ssh -t; a pager is refused with -t too', async () => {
    const t = ptySsh(b.login(bob), { extra: ['-t'], command: ['tty'] });
    await t.waitFor(/not a tty/);
    expect(await t.exited).toBe(1);
    expect(t.output()).toMatch(/not a tty\r\n/);

    await sessionsSettled(b.store);
    const before = await b.sshd.commands();
    const from = await lastSeq(b.store);
    const pager = ptySsh(b.login(bob), { extra: ['-t'], command: ['less /etc/passwd'] });
    await pager.waitFor(/command not allowed by grant/);
    expect(await pager.exited).toBe(126);
    expect(await b.sshd.commands()).toEqual(before);
    expect((await auditAfter(b.store, from)).map((x) => x.type)).toEqual(['exec.denied']);
  });

  it('drops env requests for allowlisted commands', async () => {
    const r = await runSsh(b.login(bob), {
      extra: ['-o', 'SetEnv=LC_TIME=C.UTF-8'],
      command: ['printenv LC_TIME'],
    });
    expect(r.stdout.toString()).toBe('');
    expect(r.code).toBe(1);
  });

  it('refuses a shell without a pty (no session) and the sftp subsystem', async () => {
    await sessionsSettled(b.store);
    const from = await lastSeq(b.store);
    const r = await runSsh(b.login(bob), { extra: ['-T'] });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `gatehouse: grant ${bob.grant.id} allows only commands; run ssh -t bob+db1@… for the restricted prompt, or ssh bob+db1@… COMMAND`,
    );
    const sftp = await runSsh(b.login(bob), { extra: ['-s'], command: ['sftp'] });
    expect(sftp.code).not.toBe(0);
    const rows = await auditAfter(b.store, from);
    expect(rows.map((x) => x.type)).toEqual(['channel.denied', 'transfer.denied']);
    expect(rows.map((x) => x.payload['kind'] ?? x.payload['op'])).toEqual(['session', 'subsystem']);
  });
});

describe('allowlist patterns at grant time', () => {
  it('grant add refuses a bad --allow pattern with one line and creates nothing', async () => {
    const nda = await b.addNda(bob);
    const before = (await b.store.grants.list({})).length;
    const r = await b.cli([
      'grant',
      'add',
      '--user',
      'bob',
      '--target',
      'db1',
      '--nda',
      String(nda.id),
      '--for',
      '1h',
      '--reason',
      't',
      '--allow',
      'uptime',
      '--allow',
      'tail -n {num} /var/log/app.log',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'gatehouse: --allow: allow pattern "tail -n {num} /var/log/app.log": unknown placeholder {num} (use {int}, {word}, {path:GLOB}, {enum:a|b})\n',
    );
    expect((await b.store.grants.list({})).length).toBe(before);
    const ok = await b.cli([
      'grant',
      'add',
      '--user',
      'bob',
      '--target',
      'db1',
      '--nda',
      String(nda.id),
      '--for',
      '1h',
      '--reason',
      't',
      '--allow',
      'systemctl status {word}',
    ]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^\d+\n$/);
  });

  it('a config whose profile holds a bad pattern does not load', async () => {
    const path = join(b.dir, 'bad-profile.yaml');
    await writeFile(path, "profiles:\n  ops-readonly:\n    - uptime\n    - 'cat /etc/*'\n");
    await expect(loadConfig(path, {}, b.dir)).rejects.toThrow(
      /^config: profiles\.ops-readonly: allow pattern "cat \/etc\/\*": unsafe character "\*"/,
    );
  });
});
