/**
 * File transfer refused (issue 16): the sftp subsystem on a grant without transfer rights, on a
 * command target and on a plain login; legacy scp (-O) and rsync on every grant.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBastion, type BastionFixture } from '../helpers/bastion.js';
import { RUN_AS } from '../helpers/run-as.js';
import { sshArgs } from '../helpers/ssh-client.js';
import { runScp, runSftp } from '../helpers/transfer-client.js';

let b: BastionFixture;
beforeAll(async () => {
  b = await startBastion();
  await b.store.targets.add(
    { kind: 'command', name: 'psql1', command: ['/bin/echo'], env: {}, runAs: RUN_AS },
    'test-admin',
  );
});
afterAll(async () => {
  await b.stop();
});

const NOT_GRANTED = 'gatehouse: this grant allows no file transfer (ask for one with --transfer)';
const LEGACY = 'gatehouse: legacy scp (-O) and rsync are not relayed; use sftp, or scp without -O';

describe('file transfer refused', () => {
  it('a grant without transfer rights refuses the sftp subsystem with a line saying how to get them', async () => {
    const dave = await b.userWithGrant('dave');
    const sftp = await runSftp(b.login(dave), ['ls /']);
    expect(sftp.code).not.toBe(0);
    expect(sftp.stderr).toContain(NOT_GRANTED);
    const scp = await runScp(b.login(dave), ':/etc/hostname', join(b.dir, 'dave-copy'));
    expect(scp.code).not.toBe(0);
    expect(scp.stderr).toContain(NOT_GRANTED);
    expect(existsSync(join(b.dir, 'dave-copy'))).toBe(false);
    const denied = await b.auditTypes('transfer.denied');
    expect(denied.filter((d) => d['user'] === 'dave')).toEqual([
      {
        grantId: dave.grant.id,
        user: 'dave',
        target: 'db1',
        op: 'subsystem',
        path: null,
        why: 'this grant allows no file transfer',
      },
      expect.objectContaining({ op: 'subsystem', user: 'dave' }),
    ]);
    const sessions = await b.store.sessions.list({ userName: 'dave' });
    expect(sessions).toEqual([]);
    expect((await b.sshd.commands()).some((c) => c.includes('sftp-server'))).toBe(false);
  });

  it('legacy scp -O and rsync are refused with a line naming the alternative, on any grant', async () => {
    // Even a grant that allows transfer in both directions: they would pass unchecked.
    const erin = await b.userWithGrant('erin', {
      transfer: { direction: 'both', paths: [], budgetBytes: null },
    });
    const scp = await runScp(b.login(erin), ':/etc/hostname', join(b.dir, 'erin-copy'), ['-O']);
    expect(scp.code).not.toBe(0);
    expect(scp.stderr).toContain(LEGACY);
    const rsync = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const args = sshArgs(b.login(erin), {
        command: ['rsync', '--server', '--sender', '-e.LsfxC', '.', '/etc/hostname'],
      });
      const child = spawn('ssh', args, { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
      child.once('close', (code) => resolve({ code, stderr }));
    });
    expect(rsync.code).toBe(1);
    expect(rsync.stderr).toContain(LEGACY);
    expect(await b.auditTypes('exec.denied')).toEqual(
      expect.arrayContaining([expect.objectContaining({ user: 'erin', reason: 'file_transfer' })]),
    );
    expect((await b.sshd.commands()).some((c) => /^(scp|rsync)/.test(c))).toBe(false);
  });

  it('a command target refuses sftp', async () => {
    const fay = await b.addUser('fay');
    const grant = await b.addGrant(fay, { target: 'psql1' });
    const sftp = await runSftp(b.login(fay, 'psql1'), ['ls /']);
    expect(sftp.code).not.toBe(0);
    expect(sftp.stderr).toContain(
      'gatehouse: target psql1 runs a fixed program; it offers no file transfer',
    );
    expect(await b.auditTypes('transfer.denied')).toContainEqual(
      expect.objectContaining({ user: 'fay', grantId: grant.id, target: 'psql1', op: 'subsystem' }),
    );
  });

  it('a plain login names no target: sftp is refused with a line saying how to name one', async () => {
    const gus = await b.userWithGrant('gus');
    const sftp = await runSftp(b.login(gus, null), ['ls /']);
    expect(sftp.code).not.toBe(0);
    expect(sftp.stderr).toContain('gatehouse: file transfer needs a target: sftp gus+TARGET@');
    expect(await b.auditTypes('channel.denied')).toContainEqual(
      expect.objectContaining({ user: 'gus', kind: 'subsystem', name: 'sftp' }),
    );
  });
});
