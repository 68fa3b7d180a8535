import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBastion, type BastionFixture } from '../helpers/bastion.js';
import { awaitProcesses, goneWithin, RUN_AS, runAsAccount, sharedDir } from '../helpers/run-as.js';
import { ptySsh, runSsh } from '../helpers/ssh-client.js';

const ACTOR = 'test-admin';
/** The stubborn program's sleep, unique to this file so that its processes can be found. */
const STUBBORN_SLEEP = 'sleep 601.25';
let b: BastionFixture;

beforeAll(async () => {
  runAsAccount();
  b = await startBastion();
  await b.store.targets.add(
    {
      kind: 'command',
      name: 'sandbox',
      command: ['/bin/bash', '--norc', '--noprofile', '-i'],
      env: { DEMO_VAR: 'from-target', PS1: 'sandbox$ ' },
      runAs: RUN_AS,
    },
    ACTOR,
  );
  await b.store.targets.add(
    { kind: 'command', name: 'echo', command: ['/bin/echo'], env: {}, runAs: RUN_AS },
    ACTOR,
  );
  // Ignores SIGHUP (so only the SIGKILL escalation can end it), then waits.
  const script = join(await sharedDir('gatehouse-stubborn-'), 'stubborn.sh');
  await writeFile(script, `#!/bin/bash\ntrap "" HUP\necho ready\nexec ${STUBBORN_SLEEP}\n`);
  await chmod(script, 0o755);
  await b.store.targets.add(
    { kind: 'command', name: 'stubborn', command: [script], env: {}, runAs: RUN_AS },
    ACTOR,
  );
});
afterAll(async () => {
  await b.stop();
});

describe('command target: a program on the bastion in a pty', () => {
  it('runs it interactively, follows a resize, returns the exit status and records the session', async () => {
    const alice = await b.userWithGrant('alice', { target: 'sandbox' });
    const t = ptySsh(b.login(alice, 'sandbox'), { cols: 100, rows: 30, extra: ['-t'] });
    try {
      // The banner (stderr) and the first prompt race in the ssh client's output: wait for both.
      await t.waitFor(/this session is recorded; grant #\d+/);
      await t.waitFor(/sandbox\$ /);
      t.write('echo hello-$((40+2))\r');
      await t.waitFor(/hello-42/);
      t.write('stty size\r');
      await t.waitFor(/^30 100\r?$/m);
      const mark = t.output().length;
      t.resize(120, 40);
      await new Promise((r) => setTimeout(r, 300));
      t.write('stty size\r');
      await t.waitFor(/40 120/, 30_000, mark);
      t.write('echo "[$DEMO_VAR][$TERM][$HOME][$LC_TIME]" && pwd\r');
      await t.waitFor(
        new RegExp(`\\[from-target\\]\\[xterm\\]\\[${runAsAccount().home}\\]\\[\\]\r\n/\r\n`),
      );
      t.write('exit 4\r');
      expect(await t.exited).toBe(4);
    } finally {
      t.kill();
    }
    const [session] = (await b.store.sessions.list()).filter((s) => s.grantId === alice.grant.id);
    expect(session).toMatchObject({ endReason: 'closed', exitStatus: 4 });
    const cast = await readFile(
      join(b.dir, 'recordings', session?.recordingPath ?? 'missing'),
      'utf8',
    );
    expect(cast).toContain('hello-42');
    expect(cast).toMatch(/"r","120x40"/);
    const sealed = (await b.auditTypes('recording.sealed')).filter(
      (p) => p['sessionId'] === session?.id,
    );
    expect(sealed).toHaveLength(1);
  });

  it('gives the program only the target env: env sent by the client is not passed', async () => {
    const bob = await b.userWithGrant('bob', { target: 'sandbox' });
    const r = await runSsh(b.login(bob, 'sandbox'), {
      extra: ['-tt', '-o', 'SetEnv=FOO=bar LC_TIME=C.UTF-8', '-o', 'SendEnv=LANG'],
      env: { LANG: 'C.UTF-8' },
      stdin: 'echo "<$DEMO_VAR|$FOO|$LC_TIME|$LANG>"; exit 3\n',
    });
    expect(r.stdout.toString()).toContain('<from-target|||>');
    expect(r.code).toBe(3);
  });

  it('refuses an exec under a shell grant: one line, exit 1, audited', async () => {
    const carol = await b.userWithGrant('carol', { target: 'sandbox' });
    const r = await runSsh(b.login(carol, 'sandbox'), { command: ['id'] });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'gatehouse: target sandbox runs a fixed program; connect without a command',
    );
    const denied = (await b.auditTypes('exec.denied')).filter((p) => p['user'] === 'carol');
    expect(denied).toEqual([
      expect.objectContaining({
        grantId: carol.grant.id,
        target: 'sandbox',
        reason: 'command_target.fixed_program',
      }),
    ]);
    expect((await b.auditTypes('channel.denied')).filter((p) => p['user'] === 'carol')).toEqual([]);
    expect((await b.store.sessions.list()).filter((s) => s.grantId === carol.grant.id)).toEqual([]);
  });

  it('under a commands grant appends the allowed argv to the program and runs it without a pty', async () => {
    const dave = await b.userWithGrant('dave', {
      target: 'echo',
      mode: 'commands',
      allowlist: ['hello {word}'],
    });
    const ok = await runSsh(b.login(dave, 'echo'), { command: ['hello world'] });
    expect(ok.stdout.toString()).toBe('hello world\n');
    expect(ok.code).toBe(0);
    const no = await runSsh(b.login(dave, 'echo'), { command: ['goodbye world'] });
    expect(no.code).toBe(126);
    expect(no.stdout.toString()).toBe('');
    const allowed = (await b.auditTypes('exec.allowed')).filter((p) => p['user'] === 'dave');
    expect(allowed).toEqual([
      expect.objectContaining({ target: 'echo', argv: ['hello', 'world'] }),
    ]);
  });

  it('kills the program within 2 s of a revocation, even one that ignores SIGHUP', async () => {
    const erin = await b.userWithGrant('erin', { target: 'stubborn' });
    const t = ptySsh(b.login(erin, 'stubborn'), { extra: ['-t'] });
    try {
      await t.waitFor(/ready/);
      expect(await awaitProcesses(STUBBORN_SLEEP, 1)).toHaveLength(1);
      const revoke = await b.cli([
        'grant',
        'revoke',
        String(erin.grant.id),
        '--reason',
        'contract ended',
      ]);
      expect(revoke.code).toBe(0);
      const revokedAt = Date.now();
      await t.exited;
      expect(await goneWithin(STUBBORN_SLEEP, 5_000)).toBeLessThanOrEqual(
        2_000 - (Date.now() - revokedAt),
      );
    } finally {
      t.kill();
    }
    const [session] = (await b.store.sessions.list()).filter((s) => s.grantId === erin.grant.id);
    expect(session?.endReason).toBe('revoked');
  });
});
