import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBastion, type BastionFixture } from '../helpers/bastion.js';
import { runSsh, sshArgs } from '../helpers/ssh-client.js';
import { ssh2Connect } from '../helpers/ssh2-client.js';

let b: BastionFixture;
beforeAll(async () => {
  b = await startBastion({ ssh: { loginGraceTime: '5s', maxStartupsPerSource: 4 } });
});
afterAll(async () => {
  await b.stop();
});

/** channel.denied rows of one kind (polled briefly: the audit write runs beside the refusal). */
async function denials(kind: string): Promise<Readonly<Record<string, unknown>>[]> {
  for (let i = 0; ; i++) {
    const rows = (await b.auditTypes('channel.denied')).filter((p) => p['kind'] === kind);
    if (rows.length > 0 || i >= 10) return rows;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Opens a raw TCP connection; resolves with how long the server kept it open. */
function rawConnection(send: (s: Socket) => void): Promise<{ ms: number; socket: Socket }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const s = connect(b.port, '127.0.0.1');
    s.on('error', () => undefined);
    s.on('data', () => undefined);
    s.once('connect', () => send(s));
    s.once('close', () => resolve({ ms: Date.now() - started, socket: s }));
  });
}

describe('forwarding and subsystems are refused and audited', () => {
  it('ssh -W (direct-tcpip) is refused', async () => {
    const alice = await b.userWithGrant('alice');
    const r = await runSsh(b.login(alice), { extra: ['-W', `127.0.0.1:${b.sshd.port}`] });
    expect(r.code).toBe(255);
    expect(r.stderr).toMatch(/open failed/);
    expect(await denials('direct-tcpip')).toContainEqual(
      expect.objectContaining({ user: 'alice', destPort: b.sshd.port }),
    );
  });

  it('ssh -L: a connection to the forwarded port is refused; ssh -R is refused', async () => {
    const bob = await b.userWithGrant('bob');
    const localPort = 20000 + Math.floor(Math.random() * 20000);
    const child = spawn(
      'ssh',
      sshArgs(b.login(bob), {
        extra: ['-L', `${localPort}:127.0.0.1:${b.sshd.port}`, '-R', '0:127.0.0.1:9'],
        command: ['sleep', '6'],
      }),
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    try {
      let got = '';
      for (let i = 0; i < 50 && got === ''; i++) {
        await new Promise((r) => setTimeout(r, 100));
        got = await new Promise<string>((resolve) => {
          const s = connect(localPort, '127.0.0.1');
          let data = '';
          s.on('data', (d: Buffer) => (data += d.toString()));
          s.once('error', () => resolve(''));
          s.once('close', () => resolve(data === '' ? 'closed' : data));
        });
      }
      expect(got).toBe('closed'); // no SSH banner from the target came through
      expect(await denials('direct-tcpip')).toContainEqual(
        expect.objectContaining({ user: 'bob' }),
      );
      expect(await denials('tcpip-forward')).toContainEqual(
        expect.objectContaining({ user: 'bob' }),
      );
      expect(stderr).toMatch(/remote port forwarding failed/);
    } finally {
      child.kill();
    }
  });

  it('agent forwarding (ssh -A) is refused and audited; the target sees no agent', async () => {
    const carol = await b.userWithGrant('carol');
    const sock = join(b.dir, 'agent.sock');
    const agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
    try {
      for (let i = 0; i < 50; i++) {
        if (
          await readFile(sock).then(
            () => true,
            (e: NodeJS.ErrnoException) => e.code !== 'ENOENT',
          )
        )
          break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const r = await runSsh(b.login(carol), {
        extra: ['-A'],
        agent: sock,
        command: ['echo "agent=[$SSH_AUTH_SOCK]"'],
      });
      expect(r.stdout.toString()).toBe('agent=[]\n');
      expect(await denials('auth-agent')).toContainEqual(
        expect.objectContaining({ user: 'carol' }),
      );
    } finally {
      agent.kill();
    }
  });

  it('sftp and scp are refused', async () => {
    const dave = await b.userWithGrant('dave');
    const opts = [
      '-P',
      String(b.port),
      '-i',
      dave.key.privatePath,
      '-F',
      '/dev/null',
      '-o',
      'StrictHostKeyChecking=no',
      '-o',
      'UserKnownHostsFile=/dev/null',
      '-o',
      'BatchMode=yes',
      '-o',
      'IdentitiesOnly=yes',
    ];
    const run = (cmd: string, args: string[]): Promise<number | null> =>
      new Promise((resolve) => spawn(cmd, args, { stdio: 'ignore' }).once('close', resolve));
    expect(await run('sftp', [...opts, 'dave+db1@127.0.0.1'])).not.toBe(0);
    expect(
      await run('scp', [...opts, 'dave+db1@127.0.0.1:/etc/hostname', join(b.dir, 'copied')]),
    ).not.toBe(0);
    expect(
      await run('scp', ['-O', ...opts, 'dave+db1@127.0.0.1:/etc/hostname', join(b.dir, 'copied')]),
    ).not.toBe(0);
    // The grant allows no file transfer (sftp-refusals.test.ts has the lines the clients print).
    expect(await b.auditTypes('transfer.denied')).toContainEqual(
      expect.objectContaining({ user: 'dave', op: 'subsystem' }),
    );
    // A refused exec is an exec.denied, written before the refusal (not a channel.denied).
    expect(await b.auditTypes('exec.denied')).toContainEqual(
      expect.objectContaining({ user: 'dave', reason: 'file_transfer' }),
    );
    expect(await denials('exec')).toEqual([]);
    expect((await b.sshd.commands()).some((c) => c.startsWith('scp'))).toBe(false);
  });
});

describe('connection limits', () => {
  it('refuses the 11th session channel on one connection', async () => {
    const erin = await b.userWithGrant('erin');
    const client = new ssh2.Client();
    client.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      client.once('ready', () => resolve()).once('error', reject);
      void readFile(erin.key.privatePath).then((privateKey) =>
        client.connect({ host: '127.0.0.1', port: b.port, username: 'erin+db1', privateKey }),
      );
    });
    const open = (): Promise<string> =>
      new Promise((resolve) => {
        client.exec('sleep 4', (err, ch) => {
          if (err) return resolve(err.message);
          ch.on('data', () => undefined).stderr.on('data', () => undefined);
          resolve('open');
        });
      });
    const results = await Promise.all(Array.from({ length: 10 }, open));
    expect(results).toEqual(Array(10).fill('open'));
    expect(await open()).toMatch(/open failure|prohibited/i);
    client.end();
    expect(await denials('session')).toContainEqual(
      expect.objectContaining({ user: 'erin', reason: 'max_sessions' }),
    );
  });

  it('closes a connection that repeats refused requests, after 64 audited refused requests', async () => {
    const gina = await b.userWithGrant('gina');
    const client = await ssh2Connect(b.login(gina, 'db1'));
    client.on('error', () => undefined);
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    for (let i = 0; i < 100; i++) client.forwardIn('127.0.0.1', 40000 + i, () => undefined);
    await closed;
    const rows = async (): Promise<number> =>
      (await b.auditTypes('channel.denied')).filter((p) => p['user'] === 'gina').length;
    for (let i = 0; i < 30 && (await rows()) < 64; i++)
      await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 300)); // nothing more arrives after the limit
    expect(await rows()).toBe(64);
  });

  it('drops a client that never finishes the handshake at the login grace time', async () => {
    const silent = await rawConnection(() => undefined);
    const stalled = await rawConnection((s) => s.write('SSH-2.0-stalled\r\n'));
    for (const c of [silent, stalled]) {
      expect(c.ms).toBeGreaterThanOrEqual(4800);
      expect(c.ms).toBeLessThan(8000);
    }
  });

  it('garbage after the version line drops only that connection', async () => {
    const frank = await b.userWithGrant('frank');
    const garbage = await rawConnection((s) => {
      s.write('SSH-2.0-garbage\r\n');
      s.write(Buffer.alloc(4096, 0xff));
    });
    expect(garbage.ms).toBeLessThan(4800);
    const r = await runSsh(b.login(frank), { command: ['echo', 'still-serving'] });
    expect(r.stdout.toString()).toBe('still-serving\n');
  });

  it('limits unauthenticated connections per source address', async () => {
    const held: Socket[] = [];
    for (let i = 0; i < 4; i++) {
      const s = connect(b.port, '127.0.0.1');
      s.on('error', () => undefined);
      await new Promise((r) => s.once('data', r));
      held.push(s);
    }
    const fifth = await rawConnection(() => undefined);
    expect(fifth.ms).toBeLessThan(1000);
    for (const s of held) s.destroy();
  });
});
