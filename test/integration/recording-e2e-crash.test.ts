import { spawn, type ChildProcess } from 'node:child_process';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCast } from '../../src/recording/replay.js';
import { verifyRecording } from '../../src/recording/verify-recording.js';
import { startBastion, type BastionFixture } from '../helpers/bastion.js';
import { ptySsh } from '../helpers/ssh-client.js';
import { hostPublicKey, sha256 } from './recording-e2e-harness.js';

let b: BastionFixture;
let configPath: string;
const serves = new Set<ChildProcess>();

beforeAll(async () => {
  b = await startBastion();
  // `gatehouse serve` processes on the same database, keys and recordings dir.
  const config = (await readFile(b.configPath, 'utf8')).replace(
    /listen: '127\.0\.0\.1:2222'/,
    "listen: '127.0.0.1:0'",
  );
  configPath = join(b.dir, 'serve.yaml');
  await writeFile(configPath, config);
});
afterAll(async () => {
  for (const s of serves) s.kill('SIGKILL');
  await b.stop();
});

async function serve(): Promise<{
  readonly proc: ChildProcess;
  readonly port: number;
  readonly exited: Promise<number | null>;
}> {
  const proc = spawn(process.execPath, ['bin/gatehouse.js', '--config', configPath, 'serve'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  serves.add(proc);
  let stdout = '';
  proc.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('close', resolve));
  for (let i = 0; i < 100 && !/listening on/.test(stdout); i++)
    await new Promise((r) => setTimeout(r, 100));
  const port = Number(/listening on 127\.0\.0\.1:(\d+)/.exec(stdout)?.[1]);
  expect(port).toBeGreaterThan(0);
  return { proc, port, exited };
}

describe('kill -9 of gatehouse serve mid-session', () => {
  it('leaves a parseable recording; the next start marks the session interrupted, trims and seals it', async () => {
    const alice = await b.userWithGrant('alice');
    const first = await serve();
    const t = ptySsh({ ...b.login(alice), port: first.port });
    try {
      await t.waitFor(/[#$] $/m, 30_000);
      t.write('echo before-crash\r');
      await t.waitFor(/^before-crash\r?$/m);
      t.write('while :; do echo tick-$((n+=1)); sleep 0.02; done\r');
      await t.waitFor(/tick-30/);
      await new Promise((r) => setTimeout(r, 400)); // past the 250 ms flush
      first.proc.kill('SIGKILL');
      expect(await first.exited).toBeNull();
      await t.exited;
    } finally {
      t.kill();
    }

    const [live] = (await b.store.sessions.list()).filter((s) => s.grantId === alice.grant.id);
    expect(live).toMatchObject({ endedAt: null, sha256: null });
    const castPath = join(b.dir, 'recordings', ...live!.recordingPath!.split('/'));
    const left = await readFile(castPath, 'utf8');
    const complete = left.slice(0, left.lastIndexOf('\n') + 1);
    const parsed = readCast(complete); // every complete line parses
    expect(parsed.header.title).toBe('alice@db1');
    expect(parsed.events.map((e) => e.data).join('')).toContain('before-crash');
    // A torn write, as a crash in the middle of one would leave it.
    await appendFile(castPath, '[12.5, "o", "tick-9');

    const second = await serve();
    try {
      const s = await b.store.sessions.get(live!.id);
      expect(s).toMatchObject({ endReason: 'interrupted', exitStatus: null });
      const sealedFile = await readFile(castPath);
      expect(sealedFile.toString('utf8')).toBe(complete);
      expect(s).toMatchObject({ bytes: sealedFile.length, sha256: sha256(sealedFile) });
      const sealed = (await b.auditTypes('recording.sealed')).filter(
        (p) => p['sessionId'] === live!.id,
      );
      expect(sealed).toEqual([
        expect.objectContaining({
          path: live!.recordingPath,
          sha256: s!.sha256,
          bytes: s!.bytes,
          events: parsed.events.length,
          interrupted: true,
        }),
      ]);
      expect(sealed[0]?.['trimmedBytes']).toBeGreaterThan(0);
      const verified = await verifyRecording({
        dir: join(b.dir, 'recordings'),
        path: live!.recordingPath!,
        expected: { sha256: s!.sha256!, bytes: s!.bytes!, events: parsed.events.length },
        publicKeys: [await hostPublicKey(b.dir)],
      });
      expect(verified).toMatchObject({ ok: true });
      expect((await b.store.audit.verify()).ok).toBe(true);
    } finally {
      second.proc.kill('SIGTERM');
      await second.exited;
    }
  });
});
