import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SshTarget } from '../../src/core/model.js';
import { silentLogger } from '../../src/logging/logger.js';
import { onChannelExit } from '../../src/stream/channel-exit.js';
import { connectTarget } from '../../src/targets/ssh-target-link.js';
import type { TargetLink } from '../../src/targets/target-link.js';
import { makeUserKey } from '../helpers/keys.js';
import { startSshd, type SshdTarget } from '../helpers/sshd.js';
import { tempDir } from '../helpers/tmp.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * A short command's exit-status can arrive in the same read as the exec reply, before the code
 * that awaited the channel subscribes to 'exit' (seen as 2 of 267 `ssh … true` through the
 * bastion exiting 255 under load). Subscribing late must still give the exit.
 */
describe('target channel exit', () => {
  let sshd: SshdTarget;
  let link: TargetLink;
  beforeAll(async () => {
    sshd = await startSshd();
    const key = await makeUserKey(await tempDir(), 'bastion');
    await sshd.authorize(key.publicLine);
    const target = {
      id: 1,
      kind: 'ssh',
      name: 'db1',
      host: sshd.host,
      port: sshd.port,
      login: sshd.login,
      hostKey: sshd.hostKeyLine,
    } as unknown as SshTarget;
    const linked = await connectTarget(target, await readFile(key.privatePath), silentLogger());
    if (!linked.ok) throw new Error(`target link failed: ${linked.reason}`);
    link = linked.link;
  });
  afterAll(async () => {
    link.close();
    await sshd.stop();
  });

  it('reports the exit status to a listener that subscribes after the command has ended', async () => {
    const channel = await link.exec('exit 7', null, {});
    channel.resume();
    await new Promise<void>((res) => channel.once('close', () => res()));
    await sleep(100);
    const exit = await new Promise((res) => onChannelExit(channel, res));
    expect(exit).toEqual({ code: 7, signal: null, dump: false, desc: '' });
  });

  it('reports the exit signal of a command killed on the target', async () => {
    const channel = await link.exec('kill -TERM $$', null, {});
    channel.resume();
    await new Promise<void>((res) => channel.once('close', () => res()));
    const exit = await new Promise((res) => onChannelExit(channel, res));
    expect(exit).toMatchObject({ code: null, signal: 'SIGTERM' }); // ssh2's spelling
  });
});
