/**
 * Issue 13 item 1: a command target's program runs as its run-as account, confined: it cannot
 * read what gatehouse owns, nothing it starts outlives the session, only the signals a user
 * sends reach it, and a target without a usable account is refused (fail closed).
 */
import { chmod, chown, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../src/store/database.js';
import { startBastion, type BastionFixture, type TestUser } from '../helpers/bastion.js';
import {
  awaitProcesses,
  goneWithin,
  RUN_AS,
  runAsAccount,
  sharedDir,
  type RunAsAccount,
} from '../helpers/run-as.js';
import { ptySsh, runSsh, type PtySsh } from '../helpers/ssh-client.js';
import { ssh2Connect } from '../helpers/ssh2-client.js';

const ACTOR = 'test-admin';
let b: BastionFixture;
let account: RunAsAccount;
let hostKeyPath: string;

beforeAll(async () => {
  account = runAsAccount();
  b = await startBastion();
  hostKeyPath = join(b.dir, 'keys', 'host_ed25519');
  const programs = await sharedDir('gatehouse-confined-');
  // Readable only by the run-as account's supplementary group: proves the groups were applied.
  const groupFile = join(programs, 'group-only.txt');
  await writeFile(groupFile, 'group-secret\n');
  await chown(groupFile, 0, account.groupGid);
  await chmod(groupFile, 0o640);
  const whoami = join(programs, 'whoami.sh');
  await writeFile(
    whoami,
    [
      '#!/bin/sh',
      'echo "uid=$(id -u) gid=$(id -g) user=$(id -un) home=$HOME"',
      'cat "$GROUP_FILE" 2>&1',
      'for f in "$HOST_KEY" "$DATABASE"; do',
      '  if head -c 1 "$f" >/dev/null 2>&1; then echo "READ $f"; else echo "DENIED $f"; fi',
      'done',
      'grep -E "^Cap(Inh|Prm|Eff|Amb)" /proc/self/status',
      '',
    ].join('\n'),
  );
  await chmod(whoami, 0o755);
  // Handles Ctrl-C itself and then exits 9: the status must reach the user as 9.
  const handler = join(programs, 'handles-int.sh');
  await writeFile(
    handler,
    "#!/bin/bash\ntrap 'echo caught-int; exit 9' INT\necho ready\nwhile :; do sleep 0.1; done\n",
  );
  await chmod(handler, 0o755);
  const env = {
    GROUP_FILE: groupFile,
    HOST_KEY: hostKeyPath,
    DATABASE: join(b.dir, 'data', 'gatehouse.db'),
  };
  await b.store.targets.add(
    { kind: 'command', name: 'whoami', command: [whoami], env, runAs: RUN_AS },
    ACTOR,
  );
  // What the program inherited: ls's descriptors but the directory it reads.
  const fds = join(programs, 'fds.sh');
  await writeFile(fds, '#!/bin/sh\nexec ls -l /proc/self/fd\n');
  await chmod(fds, 0o755);
  await b.store.targets.add(
    { kind: 'command', name: 'fds', command: [fds], env: {}, runAs: RUN_AS },
    ACTOR,
  );
  await b.store.targets.add(
    { kind: 'command', name: 'handles-int', command: [handler], env: {}, runAs: RUN_AS },
    ACTOR,
  );
  await b.store.targets.add(
    {
      kind: 'command',
      name: 'shell',
      command: ['/bin/bash', '--norc', '--noprofile', '-i'],
      env: { PS1: 'confined$ ' },
      runAs: RUN_AS,
    },
    ACTOR,
  );
  for (const [name, runAs] of [
    ['legacy', null],
    ['as-root', 'root'],
    ['gone', 'no-such-user-gh'],
  ] as const) {
    await b.store.targets.add(
      { kind: 'command', name, command: ['/bin/echo', 'ran'], env: {}, runAs: RUN_AS },
      ACTOR,
    );
    // As a row from before migration 4, or an account changed or deleted since `target add`.
    const db = await Database.open(join(b.dir, 'data', 'gatehouse.db'));
    try {
      await db.run('UPDATE targets SET run_as = ? WHERE name = ?', [runAs, name]);
    } finally {
      await db.close();
    }
  }
});
afterAll(async () => {
  await b.stop();
});

describe('a command target runs as its run-as account', () => {
  it('with its uid, gid, supplementary groups and HOME, no capabilities, and cannot read the host key or database', async () => {
    const alice = await b.userWithGrant('alice', { target: 'whoami' });
    const r = await runSsh(b.login(alice, 'whoami'), { extra: ['-tt'] });
    const out = r.stdout.toString();
    expect(out).toContain(
      `uid=${account.uid} gid=${account.gid} user=${RUN_AS} home=${account.home}\r\n`,
    );
    expect(out).toContain('group-secret\r\n');
    expect(out).toContain(`DENIED ${hostKeyPath}\r\n`);
    expect(out).toContain(`DENIED ${join(b.dir, 'data', 'gatehouse.db')}\r\n`);
    expect(out).not.toContain('READ ');
    for (const cap of ['CapInh', 'CapPrm', 'CapEff', 'CapAmb'])
      expect(out).toMatch(new RegExp(`${cap}:\\s+0000000000000000`));
    expect(r.code).toBe(0);
  });
});

describe("a command target holds none of gatehouse's descriptors", () => {
  it("only its terminal (0, 1, 2), not another session's pty master, while that session runs", async () => {
    const bob = await b.userWithGrant('fd-victim', { target: 'shell' });
    const victim = ptySsh(b.login(bob, 'shell'), { extra: ['-t'] });
    try {
      await victim.waitFor(/confined\$ /);
      const alice = await b.userWithGrant('fd-lister', { target: 'fds' });
      const r = await runSsh(b.login(alice, 'fds'), { extra: ['-tt'] });
      const open = [...r.stdout.toString().matchAll(/ (\d+) -> (\S+)/g)]
        .map((m) => `${m[1]} -> ${m[2]}`)
        .filter((fd) => !/ -> \/proc\/\d+\/fd$/.test(fd)); // ls reading the folder
      expect(open.map((fd) => fd.replace(/pts\/\d+$/, 'pts/N'))).toEqual([
        '0 -> /dev/pts/N',
        '1 -> /dev/pts/N',
        '2 -> /dev/pts/N',
      ]);
      expect(r.code).toBe(0);
    } finally {
      victim.kill();
    }
  });
});

describe('a command target without a usable run-as account is refused at session start', () => {
  it.each([
    ['legacy', 'command_target.run_as', 'no run-as account is set'],
    ['as-root', 'command_target.run_as', 'run-as account root is root (uid 0)'],
    ['gone', 'command_target.run_as', 'run-as account no-such-user-gh does not exist'],
  ])('%s: one line, exit 255, audited; the program never runs', async (target, reason, detail) => {
    const user = await b.userWithGrant(`u-${target}`, { target });
    const r = await runSsh(b.login(user, target), { extra: ['-tt'] });
    expect(r.stdout.toString()).not.toContain('ran');
    expect(r.stderr).toContain(
      `gatehouse: target ${target} cannot run its program safely on this bastion; session refused and reported to the administrators`,
    );
    expect(r.code).toBe(255);
    const denied = (await b.auditTypes('channel.denied')).filter(
      (p) => p['user'] === `u-${target}`,
    );
    expect(denied).toEqual([
      expect.objectContaining({ kind: 'session', reason, target, grantId: user.grant.id }),
    ]);
    expect(String(denied[0]?.['detail'])).toContain(detail);
    expect((await b.store.sessions.list()).filter((s) => s.grantId === user.grant.id)).toEqual([]);
  });
});

/** A confined bash that started a setsid'd and a double-forked sleep, each with a unique marker. */
async function shellWithLeftovers(
  user: TestUser,
  tag: string,
): Promise<{ t: PtySsh; markers: string[] }> {
  const t = ptySsh(b.login(user, 'shell'), { extra: ['-t'] });
  // The banner (stderr) and the first prompt race in the ssh client's output: wait for both.
  await t.waitFor(/this session is recorded; grant #\d+/);
  await t.waitFor(/confined\$ /);
  const markers = [`sleep 700.${tag}1`, `sleep 700.${tag}2`];
  t.write(`setsid sh -c '${markers[0]}' </dev/null >/dev/null 2>&1 &\r`);
  t.write(`(sh -c '${markers[1]} & exit 0' &) </dev/null >/dev/null 2>&1\r`);
  for (const marker of markers) expect((await awaitProcesses(marker, 1)).length).toBeGreaterThan(0);
  return { t, markers };
}

async function expectAllGoneWithin2s(markers: readonly string[], since: number): Promise<void> {
  for (const marker of markers) {
    const waited = await goneWithin(marker, 5_000);
    expect(waited, `${marker} still running`).not.toBe(Infinity);
  }
  expect(Date.now() - since).toBeLessThanOrEqual(2_000);
}

describe('nothing a command-target session started outlives it', () => {
  it('after the user exits: setsid and double-forked processes are gone within 2 s', async () => {
    const user = await b.userWithGrant('exiter', { target: 'shell' });
    const { t, markers } = await shellWithLeftovers(user, '1');
    try {
      const ended = Date.now();
      t.write('exit 5\r');
      expect(await t.exited).toBe(5);
      await expectAllGoneWithin2s(markers, ended);
    } finally {
      t.kill();
    }
  });

  it('after gatehouse grant revoke', async () => {
    const user = await b.userWithGrant('revoked', { target: 'shell' });
    const { t, markers } = await shellWithLeftovers(user, '2');
    try {
      const r = await b.cli(['grant', 'revoke', String(user.grant.id), '--reason', 'done']);
      expect(r.code).toBe(0);
      const revoked = Date.now();
      await t.exited;
      await expectAllGoneWithin2s(markers, revoked);
    } finally {
      t.kill();
    }
  });

  it('after gatehouse session kill', async () => {
    const user = await b.userWithGrant('killed', { target: 'shell' });
    const { t, markers } = await shellWithLeftovers(user, '3');
    try {
      const live = (await b.store.sessions.list()).filter(
        (s) => s.grantId === user.grant.id && s.endedAt === null,
      );
      expect(live).toHaveLength(1);
      const r = await b.cli(['session', 'kill', live[0]?.id ?? '?', '--reason', 'done']);
      expect(r.code).toBe(0);
      const killed = Date.now();
      await t.exited;
      await expectAllGoneWithin2s(markers, killed);
    } finally {
      t.kill();
    }
  });
});

describe('signals forwarded to a command target', () => {
  it('INT stops the foreground program; SEGV is refused and audited once', async () => {
    const user = await b.userWithGrant('signaller', { target: 'shell' });
    const client = await ssh2Connect(b.login(user, 'shell'));
    try {
      const channel = await new Promise<import('ssh2').ClientChannel>((resolve, reject) =>
        client.shell({ term: 'xterm', cols: 80, rows: 24 }, (err, ch) =>
          err ? reject(err) : resolve(ch),
        ),
      );
      let output = '';
      channel.on('data', (d: Buffer) => (output += d.toString('utf8')));
      const waitFor = async (pattern: RegExp): Promise<void> => {
        const started = Date.now();
        while (!pattern.test(output)) {
          if (Date.now() - started > 10_000) throw new Error(`no ${pattern} in ${output}`);
          await new Promise((r) => setTimeout(r, 20));
        }
      };
      await waitFor(/confined\$ $/);
      channel.write('sleep 700.4\r');
      expect(await awaitProcesses('sleep 700.4', 1)).toHaveLength(1);

      channel.signal('SEGV');
      await new Promise((r) => setTimeout(r, 300));
      expect(await awaitProcesses('sleep 700.4', 1)).toHaveLength(1);

      channel.signal('INT');
      expect(await goneWithin('sleep 700.4', 2_000)).not.toBe(Infinity);
      channel.write('echo "after=$?"\r');
      await waitFor(/after=130/);
      channel.write('exit 0\r');
      await new Promise((r) => channel.once('close', r));
    } finally {
      client.end();
    }
    const refused = (await b.auditTypes('channel.denied')).filter((p) => p['user'] === 'signaller');
    expect(refused).toEqual([expect.objectContaining({ kind: 'signal', name: 'SEGV' })]);
  });

  it("Ctrl-C in the terminal reaches the program; one it handles keeps the program's exit status", async () => {
    const user = await b.userWithGrant('ctrl-c', { target: 'handles-int' });
    const t = ptySsh(b.login(user, 'handles-int'), { extra: ['-t'] });
    try {
      await t.waitFor(/ready/);
      t.write('\x03');
      await t.waitFor(/caught-int/);
      expect(await t.exited).toBe(9);
    } finally {
      t.kill();
    }
  });
});
