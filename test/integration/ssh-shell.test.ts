import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBastion, type BastionFixture } from '../helpers/bastion.js';
import { ptySsh, runSsh } from '../helpers/ssh-client.js';

let b: BastionFixture;
beforeAll(async () => {
  b = await startBastion();
});
afterAll(async () => {
  await b.stop();
});

describe('interactive shell through the bastion', () => {
  it('echoes, follows a resize, interrupts with Ctrl-C and returns the exit code', async () => {
    const alice = await b.userWithGrant('alice');
    const t = ptySsh(b.login(alice), { cols: 100, rows: 30 });
    try {
      await t.waitFor(/this session is recorded; grant #\d+/);
      await t.waitFor(/[#$] $/m);
      t.write('echo hello-$((40+2))\r');
      await t.waitFor(/hello-42/);
      t.write('stty size\r');
      await t.waitFor(/^30 100\r?$/m);
      let mark = t.output().length;
      t.resize(120, 40);
      await new Promise((r) => setTimeout(r, 300));
      t.write('stty size\r');
      await t.waitFor(/40 120/, 30_000, mark);
      mark = t.output().length;
      t.write('sleep 30; echo not-$((1+1))-interrupted\r');
      await new Promise((r) => setTimeout(r, 500));
      t.write('\x03');
      t.write('echo status=$?\r');
      await t.waitFor(/status=130/, 30_000, mark);
      expect(t.output().slice(mark)).not.toMatch(/not-2-interrupted/);
      t.write('exit 7\r');
      expect(await t.exited).toBe(7);
    } finally {
      t.kill();
    }
    expect(await b.sshd.commands()).toContain('<shell>');
    const sessions = (await b.store.sessions.list()).filter((s) => s.grantId === alice.grant.id);
    expect(sessions).toMatchObject([{ endReason: 'closed', exitStatus: 7 }]);
  });

  it('ssh -t with a command gets a pty on the target; ssh -T does not', async () => {
    const bob = await b.userWithGrant('bob');
    const withPty = ptySsh(b.login(bob), { extra: ['-t'], command: ['tty; exit 4'] });
    await withPty.waitFor(/\/dev\/pts\/\d+/);
    expect(await withPty.exited).toBe(4);
    const noPty = await runSsh(b.login(bob), { extra: ['-T'], command: ['tty'] });
    expect(noPty.stdout.toString()).toMatch(/not a tty/);
  });

  it('passes LANG / LC_* with safe values and drops other env requests', async () => {
    const carol = await b.userWithGrant('carol');
    const r = await runSsh(b.login(carol), {
      extra: ['-o', 'SetEnv=LC_TIME=C.UTF-8 FOO=bar LC_MESSAGES=$(id)'],
      command: ['echo "[$LC_TIME][$FOO][$LC_MESSAGES]"'],
    });
    expect(r.stdout.toString()).toBe('[C.UTF-8][][]\n');
  });
});
