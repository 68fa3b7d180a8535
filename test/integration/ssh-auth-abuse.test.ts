/**
 * Unauthenticated input is bounded in the audit chain, and repeated refusals from one source are
 * summed up (src/core/untrusted-text.ts, src/core/refusal-windows.ts, src/transport/auth-refusals.ts).
 */
import { connect } from 'node:net';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { REFUSAL_WINDOW_LIMITS } from '../../src/core/refusal-windows.js';
import { createRootLogger } from '../../src/logging/logger.js';
import { openStore } from '../../src/store/open-store.js';
import { startBastion, type BastionFixture, type TestUser } from '../helpers/bastion.js';
import { ssh2Connect } from '../helpers/ssh2-client.js';
import { startSshd, type SshdTarget } from '../helpers/sshd.js';

let sshd: SshdTarget;
beforeAll(async () => {
  sshd = await startSshd();
});
afterAll(async () => {
  await sshd.stop();
});

/** A login the bastion refuses (with `user`'s key); resolves once it was refused. */
const refusedLogin = async (b: BastionFixture, user: TestUser, login: string): Promise<void> => {
  await expect(ssh2Connect({ port: b.port, keyPath: user.key.privatePath, login })).rejects.toThrow(
    /authentication methods failed/,
  );
};

describe('a 30,000-character login name', () => {
  let b: BastionFixture;
  beforeAll(async () => {
    b = await startBastion({ sshd });
  });
  afterAll(async () => {
    await b.stop();
  });

  it('is written as a small audit row that names the cut', async () => {
    const mallory = await b.addUser('mallory');
    await refusedLogin(b, mallory, 'x'.repeat(30_000));
    const rows = await b.store.audit.list({ type: 'auth.failure' });
    expect(rows).toHaveLength(1);
    const payload = rows[0]?.payload ?? {};
    expect(JSON.stringify(payload).length).toBeLessThan(1024);
    expect(payload).toMatchObject({
      login: `${'x'.repeat(129)}…(+29871 chars)`,
      user: null,
      reason: 'login.invalid',
    });
    expect(rows[0]?.actor).toBe('ssh:unknown');
  });
});

describe('50 refused logins from one address', () => {
  let b: BastionFixture;
  beforeAll(async () => {
    b = await startBastion({ sshd });
  });

  it('write a few auth.failure rows and one auth.failure.aggregate with the rest', async () => {
    const mallory = await b.addUser('mallory');
    for (let i = 0; i < 50; i++) await refusedLogin(b, mallory, `guess${i}+db1`);
    const written = REFUSAL_WINDOW_LIMITS.writtenPerWindow;
    expect(await b.auditTypes('auth.failure')).toHaveLength(written);

    // The window is still open: its aggregate is written at shutdown.
    await b.stop();
    const store = await openStore(join(b.dir, 'data', 'gatehouse.db'));
    try {
      const aggregates = await store.audit.list({ type: 'auth.failure.aggregate' });
      expect(aggregates).toHaveLength(1);
      expect(aggregates[0]?.actor).toBe('gatehouse');
      expect(aggregates[0]?.payload).toMatchObject({
        remoteAddr: '127.0.0.1',
        count: 50 - written,
        reasons: [{ reason: 'user.unknown', count: 50 - written }],
        logins: Array.from({ length: 10 }, (_, i) => `guess${i + written}+db1`),
        moreLogins: true,
      });
      expect((await store.audit.list()).length).toBeLessThan(20);
      expect(await store.audit.verify()).toMatchObject({ ok: true });
    } finally {
      await store.close();
    }
  });
});

/**
 * A client that sends its version line and then, before any key exchange, a plaintext
 * SSH_MSG_DISCONNECT whose description is `description` (ssh2 turns it into a connection error).
 */
function disconnectWith(port: number, description: string): Promise<void> {
  const desc = Buffer.from(description);
  const payload = Buffer.alloc(1 + 4 + 4 + desc.length + 4);
  payload[0] = 1; // SSH_MSG_DISCONNECT
  payload.writeUInt32BE(2, 1); // protocol error
  payload.writeUInt32BE(desc.length, 5);
  desc.copy(payload, 9); // then an empty language tag (zeros)
  let pad = 8 - ((4 + 1 + payload.length) % 8);
  if (pad < 4) pad += 8;
  const packet = Buffer.alloc(4 + 1 + payload.length + pad);
  packet.writeUInt32BE(1 + payload.length + pad, 0);
  packet[4] = pad;
  payload.copy(packet, 5);
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write('SSH-2.0-raw\r\n');
      socket.write(packet);
    });
    socket.on('data', () => undefined);
    socket.on('error', () => resolve());
    socket.on('close', () => resolve());
  });
}

describe('what an unauthenticated client sends, in the log', () => {
  const lines: string[] = [];
  let b: BastionFixture;
  beforeAll(async () => {
    const out = new PassThrough();
    out.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
    b = await startBastion({ sshd, logger: createRootLogger({ level: 'info', destination: out }) });
  });
  afterAll(async () => {
    await b.stop();
  });

  it('is bounded: a 30,000-character login name and disconnect message', async () => {
    const mallory = await b.addUser('mallory');
    await refusedLogin(b, mallory, 'x'.repeat(30_000));
    await disconnectWith(b.port, `\u001b[2J${'A'.repeat(30_000)}\nforged line`);
    const logged = (text: string): string[] => lines.filter((l) => l.includes(text));
    await vi.waitFor(() => expect(logged('connection error')).toHaveLength(1));
    const refused = logged('authentication refused');
    const dropped = logged('connection error');
    expect(refused).toHaveLength(1);
    for (const line of [...refused, ...dropped]) expect(line.length).toBeLessThan(1024);
    expect(refused[0]).toContain('(+29871 chars)');
    expect(dropped[0]).toContain('\\\\u001b[2J');
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThan(1024);
  });
});
