/**
 * The restricted prompt under a client that types but never reads (issue 13, item 4): echo and
 * redraw wait for the user's terminal, so the bastion's memory stays bounded whatever is typed.
 * Measured on `gatehouse serve` in a child process (its resident set, from /proc), with a
 * 2000-column terminal, a 1800-character line, Ctrl-A/Ctrl-E pairs and characters inserted at the
 * start of the full line (each of those redraws the whole line).
 */
import { readFile } from 'node:fs/promises';
import type ssh2 from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshd, type SshdTarget } from '../helpers/sshd.js';
import { ssh2Connect } from '../helpers/ssh2-client.js';
import { tempDir } from '../helpers/tmp.js';
import { seedServeDir, startServe, type ServeChild } from './metrics-serve-harness.js';

const MiB = 1024 * 1024;
/**
 * Growth allowed for one session: ssh2's buffers (2 MiB each way), what flowing 4 MiB through the
 * recorder costs, and slack. Measured (Node 20, 2000-column pty): 75 → 326 MiB before the fix
 * (and still growing when sampling stopped), 75 → 130 MiB after.
 */
const BOUND = 96 * MiB;

let sshd: SshdTarget;
let serve: ServeChild;
let keyPath: string;

beforeAll(async () => {
  sshd = await startSshd();
  const dir = await tempDir('gatehouse-prompt-abuse-');
  const seeded = await seedServeDir(
    dir,
    sshd,
    { level: 'warn' },
    {
      mode: 'commands',
      allowlist: ['uptime'],
    },
  );
  keyPath = seeded.alice.keyPath;
  serve = await startServe(seeded.configPath);
});

afterAll(async () => {
  await serve?.stop();
  await sshd?.stop();
});

async function rss(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]) * 1024;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Opens a shell on a 2000-column pty and reads until the prompt is drawn. */
function openPrompt(client: ssh2.Client): Promise<ssh2.ClientChannel> {
  return new Promise((resolve, reject) => {
    client.shell({ term: 'xterm', cols: 2000, rows: 24 }, (err, channel) => {
      if (err) return reject(err);
      let seen = '';
      const onData = (d: Buffer): void => {
        seen += d.toString('latin1');
        if (/db1 \[alice, .* left\]> /.test(seen)) {
          channel.removeListener('data', onData);
          channel.stderr.removeListener('data', onData);
          resolve(channel);
        }
      };
      channel.on('data', onData);
      channel.stderr.on('data', onData);
    });
  });
}

describe('the restricted prompt when the client never reads', () => {
  it('stops taking input while its output waits, so the bastion stays within a bound', async () => {
    const client = await ssh2Connect({ port: serve.sshPort, keyPath, login: 'alice+db1' });
    client.on('error', () => undefined);
    try {
      const channel = await openPrompt(client);
      // From here on nothing is read: ssh2 stops opening the window once its buffer is full.
      channel.pause();
      channel.stderr.pause();
      await sleep(500);
      const before = await rss(serve.pid);
      channel.write('a'.repeat(1800));
      channel.write('\x01\x05'.repeat(20_000));
      channel.write(`\x01${'x'.repeat(60_000)}`);
      let peak = before;
      for (let i = 0; i < 40; i++) {
        await sleep(100);
        peak = Math.max(peak, await rss(serve.pid));
      }
      const grown = peak - before;
      expect(grown).toBeLessThan(BOUND);
      expect(serve.alive()).toBe(true);
    } finally {
      client.end();
    }
  });
});
