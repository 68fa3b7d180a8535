import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBastion, type BastionFixture } from '../helpers/bastion.js';
import { ptySsh } from '../helpers/ssh-client.js';

let b: BastionFixture;
beforeAll(async () => {
  b = await startBastion();
});
afterAll(async () => {
  await b.stop();
});

describe('gatehouse serve', () => {
  it('serves ssh, and on SIGTERM tells live sessions, closes them within the drain timeout and exits 0', async () => {
    const alice = await b.userWithGrant('alice');
    // A second bastion process on the same database and keys, as an operator would run it.
    const config = (await readFile(b.configPath, 'utf8'))
      .replace(/listen: '127\.0\.0\.1:2222'/, "listen: '127.0.0.1:0'")
      .replace(/^ssh:$/m, "ssh:\n  drainTimeout: '2s'");
    const configPath = join(b.dir, 'serve.yaml');
    await writeFile(configPath, config);
    const serve = spawn(process.execPath, ['bin/gatehouse.js', '--config', configPath, 'serve'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    serve.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<number | null>((resolve) => serve.once('close', resolve));
    try {
      for (let i = 0; i < 100 && !/listening on/.test(stdout); i++)
        await new Promise((r) => setTimeout(r, 100));
      const port = Number(/listening on 127\.0\.0\.1:(\d+)/.exec(stdout)?.[1]);
      expect(port).toBeGreaterThan(0);
      const t = ptySsh({ ...b.login(alice), port });
      try {
        await t.waitFor(/this session is recorded/);
        t.write('echo up-$((1+1))\r');
        await t.waitFor(/up-2/);
        const sent = Date.now();
        serve.kill('SIGTERM');
        await t.waitFor(/bastion is shutting down; this session will be closed within 2s/);
        await t.exited;
        expect(Date.now() - sent).toBeLessThan(5000);
        expect(t.output()).toMatch(/bastion is shutting down; session closed/);
      } finally {
        t.kill();
      }
      expect(await exited).toBe(0);
    } finally {
      serve.kill('SIGKILL');
    }
    const [s] = (await b.store.sessions.list()).filter((x) => x.grantId === alice.grant.id);
    expect(s?.endReason).toBe('shutdown');
  });
});
