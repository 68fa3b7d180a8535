/**
 * One session channel runs one program (RFC 4254 §6.5): a second shell, exec or subsystem request
 * on a channel that started one is refused with a channel failure and audited once, while the
 * first program and the connection carry on (it used to crash the handler and drop the
 * connection).
 */
import type ssh2 from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBastion, type BastionFixture } from '../helpers/bastion.js';
import {
  ssh2ChannelRequest,
  ssh2Connect,
  ssh2Exec,
  type ExecResult,
  type ProgramRequest,
} from '../helpers/ssh2-client.js';

let b: BastionFixture;
beforeAll(async () => {
  b = await startBastion();
});
afterAll(async () => {
  await b.stop();
});

const FIRST = 'echo first-start; sleep 1; echo first-done';

interface Running {
  readonly channel: ssh2.ClientChannel;
  readonly started: Promise<void>;
  stdout(): string;
  readonly result: Promise<ExecResult>;
}

/** Starts the first program (an exec of FIRST, or a shell without a pty fed FIRST). */
function startFirst(client: ssh2.Client, first: 'exec' | 'shell'): Promise<Running> {
  return new Promise((resolve, reject) => {
    const opened = (err: Error | undefined, channel: ssh2.ClientChannel): void => {
      if (err) return reject(err);
      let stdout = '';
      let stderr = '';
      let code: number | null = null;
      let markStarted: () => void = () => undefined;
      const started = new Promise<void>((res) => (markStarted = res));
      channel.on('data', (d: Buffer) => {
        stdout += d.toString('utf8');
        if (stdout.includes('first-start')) markStarted();
      });
      channel.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
      channel.on('exit', (c: number | null) => (code = c));
      const result = new Promise<ExecResult>((res) =>
        channel.once('close', () => res({ code, stdout, stderr })),
      );
      // No EOF yet: ssh2 refuses every request on a channel the client has ended.
      if (first === 'shell') channel.write(`${FIRST}; exit\n`);
      resolve({ channel, started, stdout: () => stdout, result });
    };
    if (first === 'exec') client.exec(FIRST, opened);
    else client.shell(false, opened);
  });
}

async function deniedRows(user: string): Promise<Readonly<Record<string, unknown>>[]> {
  const rows = async () => (await b.auditTypes('channel.denied')).filter((p) => p['user'] === user);
  for (let i = 0; i < 20 && (await rows()).length === 0; i++)
    await new Promise((r) => setTimeout(r, 100));
  await new Promise((r) => setTimeout(r, 300)); // and nothing more arrives
  return rows();
}

describe('a second program on one session channel', () => {
  it.each<{ name: string; user: string; first: 'exec' | 'shell'; second: ProgramRequest }>([
    {
      name: 'exec after exec',
      user: 'ann',
      first: 'exec',
      second: { type: 'exec', command: 'echo second-program' },
    },
    { name: 'shell after exec', user: 'ben', first: 'exec', second: { type: 'shell' } },
    {
      name: 'exec after shell',
      user: 'cat',
      first: 'shell',
      second: { type: 'exec', command: 'echo second-program' },
    },
    {
      name: 'subsystem after exec',
      user: 'dan',
      first: 'exec',
      second: { type: 'subsystem', name: 'sftp' },
    },
  ])(
    '$name is refused and audited once; the first program and the connection go on',
    async ({ user, first, second }) => {
      const u = await b.userWithGrant(user);
      const client = await ssh2Connect(b.login(u));
      let dropped = false;
      client.on('error', () => undefined);
      client.once('close', () => (dropped = true));
      try {
        const running = await startFirst(client, first);
        await running.started;
        expect(await ssh2ChannelRequest(running.channel, second)).toBe(false);
        // Answered while the first program runs, not only when its channel closes.
        expect(running.stdout()).toBe('first-start\n');
        running.channel.end();
        expect(await running.result).toMatchObject({
          stdout: 'first-start\nfirst-done\n',
          code: 0,
        });
        expect(await ssh2Exec(client, 'echo still-connected')).toMatchObject({
          stdout: 'still-connected\n',
          code: 0,
        });
        expect(dropped).toBe(false);
      } finally {
        client.end();
      }
      expect(await b.sshd.commands()).not.toContain('echo second-program');
      const kind = second.type;
      expect(await deniedRows(user)).toEqual([
        expect.objectContaining(
          kind === 'subsystem' ? { kind, name: 'sftp' } : { kind, reason: 'already_started' },
        ),
      ]);
    },
  );
});
