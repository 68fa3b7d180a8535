/**
 * The sftp subsystem's wiring attacked as a contractor would (issue 16): what holds a transfer
 * session open, with the real sftp client through gatehouse to the real sshd.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBastion, type BastionFixture } from '../helpers/bastion.js';
import { eventually } from '../helpers/eventually.js';
import { tempDir } from '../helpers/tmp.js';
import { ptySsh } from '../helpers/ssh-client.js';
import { openSftp } from '../helpers/transfer-client.js';

/** Longer than any activity tick a transfer session might send itself (it used to every 10 s). */
const IDLE_S = 11;

let b: BastionFixture;
beforeAll(async () => {
  b = await startBastion({ ssh: { idleTimeout: `${IDLE_S}s` } });
});
afterAll(async () => {
  await b.stop();
});

describe('sftp wiring abuse', () => {
  it('an idle sftp> prompt is ended by the idle timeout like an idle shell', async () => {
    const user = await b.userWithGrant('ida', {
      transfer: { direction: 'download', paths: [], budgetBytes: null },
    });
    const sftp = openSftp(b.login(user));
    sftp.stdin.write('ls /\n');
    const live = await eventually(
      () => b.store.sessions.list({ userName: 'ida', live: true }),
      (s) => s.length === 1,
    );
    expect(live).toHaveLength(1);
    const ended = await eventually(
      () => b.store.sessions.get(live[0]!.id),
      (s) => s?.endReason !== null,
      (IDLE_S + 15) * 1000,
    );
    expect(ended?.endReason).toBe('closed');
    sftp.stdin.end('ls\n');
    const r = await sftp.done;
    expect(r.code).not.toBe(0);
    // The channel ends (line, exit status, close) before the connection: the client prints it.
    expect(r.stderr).toContain('gatehouse: idle timeout; connection closed');
  }, 60_000);

  it('an idle shell is ended by the idle timeout: ssh prints the line and exits 255', async () => {
    const user = await b.userWithGrant('ish');
    const ssh = ptySsh(b.login(user));
    await ssh.waitFor(/[#$] $/, 15_000);
    ssh.write('echo ready\r');
    await ssh.waitFor(/^ready/m);
    expect(await ssh.exited).toBe(255);
    expect(ssh.output()).toContain('gatehouse: idle timeout; connection closed');
    const [row] = await b.store.sessions.list({ userName: 'ish' });
    expect(row?.endReason).toBe('closed');
  }, 60_000);

  it('a download that runs longer than the idle timeout is not cut', async () => {
    const dir = await tempDir('gh-sftp-idle-');
    // -l: sftp takes at most 8 Mbit/s, so 14 MiB take about 14 s, longer than the idle timeout.
    const big = randomBytes(14 * 1024 * 1024);
    await writeFile(join(dir, 'big.bin'), big);
    const user = await b.userWithGrant('ivo', {
      transfer: { direction: 'download', paths: [], budgetBytes: null },
    });
    const sftp = openSftp(b.login(user), ['-l', '8192']);
    sftp.stdin.end(`get ${dir}/big.bin ${dir}/copy.bin\n`);
    const r = await sftp.done;
    expect(r.stderr).not.toContain('idle timeout');
    expect(r.code).toBe(0);
    expect((await readFile(join(dir, 'copy.bin'))).equals(big)).toBe(true);
  }, 60_000);

  it('sftp -s with a wrapped sftp-server (exec, sh -c) on a shell grant moves no file', async () => {
    const user = await b.userWithGrant('sam');
    const dir = await tempDir('gh-sftp-wrapped-');
    for (const [i, server] of [
      'exec /usr/lib/openssh/sftp-server',
      "sh -c '/usr/lib/openssh/sftp-server'",
    ].entries()) {
      const sftp = openSftp(b.login(user), ['-s', server]);
      sftp.stdin.end(`get /etc/hostname ${dir}/copy-${i}\n`);
      const r = await sftp.done;
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain(
        'gatehouse: legacy scp (-O) and rsync are not relayed; use sftp, or scp without -O',
      );
      expect(existsSync(join(dir, `copy-${i}`))).toBe(false);
    }
  }, 60_000);

  it('an NDA not yet acknowledged refuses sftp (it cannot type I agree) with a line saying how', async () => {
    const user = await b.userWithGrant('nia', {
      acknowledged: false,
      transfer: { direction: 'both', paths: [], budgetBytes: null },
    });
    const dir = await tempDir('gh-sftp-nda-');
    // The banner shows at ssh's default log level (the helper's ERROR hides it; first value wins).
    const sftp = openSftp(b.login(user), ['-o', 'LogLevel=INFO']);
    sftp.stdin.end(`get /etc/hostname ${dir}/copy\n`);
    const r = await sftp.done;
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("gatehouse: this grant's NDA must be acknowledged before first use");
    expect(existsSync(join(dir, 'copy'))).toBe(false);
    expect(await b.store.sessions.list({ userName: 'nia' })).toEqual([]);
    expect((await b.store.grants.get(user.grant.id))?.ndaAcknowledgedAt).toBeNull();
  }, 60_000);
});
