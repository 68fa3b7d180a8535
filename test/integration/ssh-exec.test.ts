import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBastion, type BastionFixture } from '../helpers/bastion.js';
import { runSsh } from '../helpers/ssh-client.js';

let b: BastionFixture;
beforeAll(async () => {
  b = await startBastion();
});
afterAll(async () => {
  await b.stop();
});

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

describe('ssh user+target@bastion command (exec)', () => {
  it('relays stdout, stderr and the exit code, and records the session', async () => {
    const alice = await b.userWithGrant('alice');
    const r = await runSsh(b.login(alice), { command: ['echo out; echo err >&2; exit 3'] });
    expect(r.stdout.toString()).toBe('out\n');
    expect(r.stderr).toMatch(/^err$/m);
    expect(r.stderr).toMatch(/this session is recorded; grant #\d+, (59m\d+s|1h) left/);
    expect(r.code).toBe(3);
    expect(await b.sshd.commands()).toContain('echo out; echo err >&2; exit 3');
    const sessions = await b.store.sessions.list();
    const mine = sessions.filter((s) => s.grantId === alice.grant.id);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ endReason: 'closed', exitStatus: 3 });
    const starts = await b.auditTypes('session.start');
    expect(
      starts.some(
        (p) => p['user'] === 'alice' && p['command'] === 'echo out; echo err >&2; exit 3',
      ),
    ).toBe(true);
  });

  it('passes 50 MB both ways intact (stdin → target, target → stdout)', async () => {
    const bob = await b.userWithGrant('bob');
    const file = join(b.dir, 'blob.bin');
    const data = Buffer.alloc(50 * 1024 * 1024);
    let x = 12345;
    for (let i = 0; i < data.length; i += 4) {
      x = (x * 1103515245 + 12345) >>> 0;
      data.writeUInt32LE(x, i);
    }
    await writeFile(file, data);
    const up = await runSsh(b.login(bob), {
      command: ['sha256sum'],
      stdin: createReadStream(file),
      timeoutMs: 150_000,
    });
    expect(up.code).toBe(0);
    expect(up.stdout.toString().split(' ')[0]).toBe(sha256(data));
    const down = await runSsh(b.login(bob), { command: ['cat', file], timeoutMs: 150_000 });
    expect(down.code).toBe(0);
    expect(down.stdout.length).toBe(data.length);
    expect(sha256(down.stdout)).toBe(sha256(data));
  }, 330_000);
});
