import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBastion, type BastionFixture } from '../helpers/bastion.js';
import { sshArgs, type SshLogin } from '../helpers/ssh-client.js';

let b: BastionFixture;
beforeAll(async () => {
  b = await startBastion();
});
afterAll(async () => {
  await b.stop();
});

/** `ssh … command` whose stdout and stderr are not read for `stallMs`: the user's window fills up. */
function slowReaderSsh(
  to: SshLogin,
  command: string,
  stallMs: number,
): Promise<{ code: number | null; stdout: Buffer; stderr: Buffer }> {
  return new Promise((resolve, reject) => {
    const child = spawn('ssh', sshArgs(to, { command: [command] }), {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.pause();
    child.stderr.pause();
    setTimeout(() => {
      child.stdout.on('data', (d: Buffer) => out.push(d));
      child.stderr.on('data', (d: Buffer) => err.push(d));
      child.stdout.resume();
      child.stderr.resume();
    }, stallMs);
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out), stderr: Buffer.concat(err) });
    });
  });
}

const count = (buf: Buffer, byte: string): number => {
  let n = 0;
  const c = byte.charCodeAt(0);
  for (const x of buf) if (x === c) n++;
  return n;
};

/**
 * Both of the user's streams share one ssh window. When a client reads slowly, stdout and stderr
 * writes wait for it; every byte must still arrive exactly once (ssh2 on its own re-sent a stale
 * stdout chunk, or never resumed stderr: see src/ssh/ssh2-window-fix.ts).
 */
describe('flow control towards a slow client', () => {
  it('delivers stdout then stderr, each bigger than the window, exactly once', async () => {
    const u = await b.userWithGrant('slowreader1');
    const r = await slowReaderSsh(
      b.login(u),
      "head -c 6000000 /dev/zero | tr '\\0' a; head -c 3000000 /dev/zero | tr '\\0' b >&2; echo end",
      1500,
    );
    expect(r.code).toBe(0);
    expect(r.stdout.length).toBe(6_000_004);
    expect(count(r.stdout, 'a')).toBe(6_000_000);
    expect(r.stdout.subarray(-4).toString()).toBe('end\n');
    expect(count(r.stderr, 'b')).toBe(3_000_000);
  });

  it('delivers interleaved stdout and stderr exactly once when both wait for the window', async () => {
    const u = await b.userWithGrant('slowreader2');
    const cmd =
      "(head -c 5000000 /dev/zero | tr '\\0' a &); head -c 5000000 /dev/zero | tr '\\0' b >&2; wait; sleep 0.2; echo end";
    const r = await slowReaderSsh(b.login(u), cmd, 1500);
    expect(r.code).toBe(0);
    expect(count(r.stdout, 'a')).toBe(5_000_000);
    expect(count(r.stderr, 'b')).toBe(5_000_000);
    expect(r.stdout.subarray(-4).toString()).toBe('end\n');
  });
});
