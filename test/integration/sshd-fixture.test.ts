import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeUserKey } from '../helpers/keys.js';
import { startSshd, type SshdTarget } from '../helpers/sshd.js';
import { tempDir } from '../helpers/tmp.js';

const run = promisify(execFile);

describe('sshd test target', () => {
  let target: SshdTarget;
  beforeAll(async () => {
    target = await startSshd();
  });
  afterAll(async () => {
    await target.stop();
  });

  it('runs a command for an authorized key and logs it through the wrapper', async () => {
    const key = await makeUserKey(await tempDir(), 'probe');
    await target.authorize(key.publicLine);
    const { stdout } = await run('ssh', [
      '-p',
      String(target.port),
      '-i',
      key.privatePath,
      '-o',
      'StrictHostKeyChecking=no',
      '-o',
      'UserKnownHostsFile=/dev/null',
      '-o',
      'BatchMode=yes',
      '-o',
      'IdentitiesOnly=yes',
      '-o',
      'LogLevel=ERROR',
      `${target.login}@127.0.0.1`,
      'echo',
      'hello-from-target',
    ]);
    expect(stdout).toBe('hello-from-target\n');
    expect(await target.commands()).toEqual(['echo hello-from-target']);
  });

  it('refuses a key that is not authorized', async () => {
    const key = await makeUserKey(await tempDir(), 'stranger');
    await expect(
      run('ssh', [
        '-p',
        String(target.port),
        '-i',
        key.privatePath,
        '-o',
        'StrictHostKeyChecking=no',
        '-o',
        'UserKnownHostsFile=/dev/null',
        '-o',
        'BatchMode=yes',
        '-o',
        'IdentitiesOnly=yes',
        '-o',
        'LogLevel=ERROR',
        `${target.login}@127.0.0.1`,
        'true',
      ]),
    ).rejects.toMatchObject({ code: 255 });
  });
});
