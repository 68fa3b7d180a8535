/**
 * Recording on a disk that fills up mid-session, end to end through the bastion: the recordings
 * dir is a 2 MiB tmpfs, the target prints 20 MB. strict ends the session (and the command);
 * best_effort lets it finish unrecorded. Both leave a recording.failure event in the chain.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import type { GrantId, Session } from '../../src/core/model.js';
import { startBastion, type BastionFixture } from '../helpers/bastion.js';
import { runSsh } from '../helpers/ssh-client.js';
import { startSshd, type SshdTarget } from '../helpers/sshd.js';
import { tempDir } from '../helpers/tmp.js';
import { sha256 } from './recording-e2e-harness.js';

const run = promisify(execFile);
const TOTAL = 20_000_000;
const FAILED_LINE = 'gatehouse: the session recording failed; session closed';

/** Null when this machine lets us mount a tmpfs (we run as root), else why not. */
async function mountProblem(): Promise<string | null> {
  const probe = await tempDir('gatehouse-mount-probe-');
  try {
    await run('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe]);
    await run('umount', [probe]);
    return null;
  } catch (e) {
    return e instanceof Error ? e.message.split('\n')[0]! : String(e);
  }
}
const cannotMount = await mountProblem();
if (cannotMount !== null)
  console.warn(`recording-strict-disk-full: skipped, cannot mount a tmpfs: ${cannotMount}`);

const mounts: string[] = [];
/** A fresh 2 MiB tmpfs as the bastion's recordings dir (the dir is only used from the first session on). */
async function smallDiskUnder(b: BastionFixture): Promise<string> {
  const dir = join(b.dir, 'recordings');
  await mkdir(dir, { recursive: true });
  await run('mount', ['-t', 'tmpfs', '-o', 'size=2m,mode=0750', 'tmpfs', dir]);
  mounts.push(dir);
  return dir;
}

/** The target-side processes whose command line carries `tag` (the `sh -c` running the command). */
async function processesTagged(tag: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(tag)) found.push(Number(entry));
  }
  return found;
}

async function eventually<T>(
  what: string,
  read: () => Promise<T>,
  ok: (v: T) => boolean,
  ms = 20_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function endedSession(b: BastionFixture, grantId: GrantId): Promise<Session> {
  const sessions = await eventually(
    'the session row to be closed',
    async () => (await b.store.sessions.list()).filter((s) => s.grantId === grantId),
    (list) => list.length === 1 && list[0]!.endedAt !== null,
  );
  return sessions[0]!;
}

/** `head … | tr …` with a tag in a trailing comment, so its processes can be found on the target. */
function bigOutputCommand(tag: string): string {
  return `head -c ${TOTAL} /dev/zero | tr "\\0" a # ${tag}`;
}

describe.skipIf(cannotMount !== null)(
  'recording on a full disk (recordings dir on a 2 MiB tmpfs)',
  () => {
    let sshd: SshdTarget;
    const bastions: BastionFixture[] = [];
    beforeAll(async () => {
      sshd = await startSshd();
    });
    afterAll(async () => {
      for (const b of bastions) await b.stop();
      for (const m of mounts) await run('umount', [m]).catch(() => undefined);
      await sshd.stop();
    });

    it('strict: the session is closed with one line, exit 255, the command stopped, the failure audited', async () => {
      const b = await startBastion({ sshd });
      bastions.push(b);
      const recordings = await smallDiskUnder(b);
      const alice = await b.userWithGrant('alice');
      const tag = `disk-full-strict-${randomUUID()}`;

      // A hang is killed by the timeout (code null). Not a timed assertion: the ENOSPC check below
      // shows the write failure ended it, not the recorder's 15 s stall guard.
      const r = await runSsh(b.login(alice), {
        command: [bigOutputCommand(tag)],
        timeoutMs: 60_000,
      });

      expect(r.code).toBe(255);
      expect(r.stderr.split(/\r?\n/)).toContain(FAILED_LINE);
      // Stopped once the disk was full: nowhere near the 20 MB (the disk holds 2 MiB; the rest is
      // the recorder's queue and the ssh windows in flight).
      expect(r.stdout.length).toBeGreaterThan(0);
      expect(r.stdout.length).toBeLessThan(TOTAL / 2);
      await eventually(
        'the target command to stop',
        () => processesTagged(tag),
        (pids) => pids.length === 0,
      );

      const session = await endedSession(b, alice.grant.id);
      expect(session.endReason).toBe('error');
      const failures = (await b.auditTypes('recording.failure')).filter(
        (p) => p['sessionId'] === session.id,
      );
      const writeFailures = failures.filter((p) => p['stage'] === 'write');
      expect(writeFailures).toEqual([
        expect.objectContaining({ user: 'alice', target: 'db1', mode: 'strict' }),
      ]);
      expect(String(writeFailures[0]!['problem'])).toMatch(/ENOSPC/);
      // What reached the disk is sealed as it is: the row's hash and size are the file's.
      const file = await readFile(join(recordings, ...session.recordingPath!.split('/')));
      expect(session.sha256).toBe(sha256(file));
      expect(session.bytes).toBe(file.length);
    });

    it('best_effort: the download completes (mid-session and when the disk is full from the start), the failure audited', async () => {
      const b = await startBastion({ sshd });
      bastions.push(b);
      const config = await loadConfig(b.configPath, {}, b.dir);
      b.running.reload({ ...config, recordings: { ...config.recordings, mode: 'best_effort' } });
      const recordings = await smallDiskUnder(b);
      const everything = Buffer.alloc(TOTAL, 'a');

      // 1. The disk fills up while the session runs: a write failure, the session goes on.
      const bob = await b.userWithGrant('bob');
      const r = await runSsh(b.login(bob), {
        command: [bigOutputCommand(`disk-full-best-effort-${randomUUID()}`)],
        timeoutMs: 60_000,
      });
      expect(r.stderr).not.toContain(FAILED_LINE);
      expect(r.code).toBe(0);
      expect(r.stdout.length).toBe(TOTAL);
      expect(r.stdout.equals(everything)).toBe(true);
      const session = await endedSession(b, bob.grant.id);
      expect(session.endReason).toBe('closed');
      const failures = (await b.auditTypes('recording.failure')).filter(
        (p) => p['sessionId'] === session.id && p['stage'] === 'write',
      );
      expect(failures).toEqual([expect.objectContaining({ user: 'bob', mode: 'best_effort' })]);
      expect(String(failures[0]!['problem'])).toMatch(/ENOSPC/);

      // 2. Not a byte left: the recording cannot even be opened; the session still runs.
      await writeFile(join(recordings, 'filler'), Buffer.alloc(4 * 1024 * 1024)).catch(
        (e: unknown) => {
          if ((e as { code?: unknown }).code !== 'ENOSPC') throw e;
        },
      );
      const carol = await b.userWithGrant('carol');
      const again = await runSsh(b.login(carol), {
        command: [bigOutputCommand(`disk-full-best-effort-${randomUUID()}`)],
        timeoutMs: 60_000,
      });
      expect(again.code).toBe(0);
      expect(again.stdout.equals(everything)).toBe(true);
      const second = await endedSession(b, carol.grant.id);
      expect(second.endReason).toBe('closed');
      expect(second.recordingPath).toBeNull();
      const atOpen = (await b.auditTypes('recording.failure')).filter(
        (p) => p['sessionId'] === second.id,
      );
      expect(atOpen).toEqual([
        expect.objectContaining({ user: 'carol', mode: 'best_effort', stage: 'open' }),
      ]);
      expect(String(atOpen[0]!['problem'])).toMatch(/ENOSPC/);
    });
  },
);
