/**
 * recordings.maxBytesPerSession: a session whose recording would grow past it is ended with a
 * notice, in strict and in best_effort mode (an unrecorded session is what the limit prevents),
 * and the recording is sealed as it stands, ending on a marker that says why.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import type { Session } from '../../src/core/model.js';
import { startBastion, type BastionFixture } from '../helpers/bastion.js';
import { runSsh } from '../helpers/ssh-client.js';
import { sha256 } from './recording-e2e-harness.js';

const LIMIT = 64 * 1024;
const TOTAL = 5_000_000;
const LIMIT_LINE = 'gatehouse: the session recording reached its size limit; session closed';
let b: BastionFixture;

beforeAll(async () => {
  b = await startBastion();
});
afterAll(async () => {
  await b.stop();
});

async function endedSession(grantId: number): Promise<Session> {
  for (let i = 0; i < 200; i += 1) {
    const [s] = (await b.store.sessions.list()).filter((x) => x.grantId === grantId);
    if (s !== undefined && s.endedAt !== null) return s;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the session row was not closed');
}

describe('recordings.maxBytesPerSession', () => {
  it.each(['strict', 'best_effort'] as const)(
    '%s: the session is ended with one line and exit 255; recording.failure stage limit; the file is sealed within the limit',
    async (mode) => {
      const config = await loadConfig(b.configPath, {}, b.dir);
      b.running.reload({
        ...config,
        recordings: { ...config.recordings, mode, maxBytesPerSession: LIMIT },
      });
      const user = await b.userWithGrant(`big-${mode.replace('_', '-')}`);
      const r = await runSsh(b.login(user), {
        command: [`head -c ${TOTAL} /dev/zero | tr "\\0" a`],
        timeoutMs: 60_000,
      });
      expect(r.code).toBe(255);
      expect(r.stderr.split(/\r?\n/)).toContain(LIMIT_LINE);
      expect(r.stdout.length).toBeLessThan(TOTAL);

      const session = await endedSession(user.grant.id);
      expect(session.endReason).toBe('error');
      const failures = (await b.auditTypes('recording.failure')).filter(
        (p) => p['sessionId'] === session.id,
      );
      expect(failures).toEqual([
        expect.objectContaining({
          stage: 'limit',
          mode,
          problem: `recording size limit of ${LIMIT} bytes reached`,
        }),
      ]);
      const file = await readFile(join(b.dir, 'recordings', ...session.recordingPath!.split('/')));
      expect(file.length).toBeLessThanOrEqual(LIMIT + 200); // the limit, then the marker
      expect(session.sha256).toBe(sha256(file));
      const last = file.toString('utf8').trimEnd().split('\n').at(-1) ?? '';
      expect(JSON.parse(last)).toEqual([
        expect.any(Number),
        'm',
        `gatehouse: recording stopped: size limit of ${LIMIT} bytes reached`,
      ]);
    },
  );
});

describe('recordings.maxBytesPerSession: the chunk that passes the limit', () => {
  it('is not delivered: the user gets no output the recording lacks', async () => {
    const config = await loadConfig(b.configPath, {}, b.dir);
    b.running.reload({
      ...config,
      recordings: { ...config.recordings, mode: 'best_effort', maxBytesPerSession: LIMIT },
    });
    const user = await b.userWithGrant('big-one-chunk');
    // Fill the recording to just under the limit, then send 8000 bytes in one write.
    const r = await runSsh(b.login(user), {
      command: [
        `head -c 60000 /dev/zero | tr "\\0" a; sleep 1; head -c 8000 /dev/zero | tr "\\0" S; sleep 2`,
      ],
      timeoutMs: 60_000,
    });
    expect(r.code).toBe(255);
    expect(r.stderr.split(/\r?\n/)).toContain(LIMIT_LINE);
    const session = await endedSession(user.grant.id);
    const file = await readFile(join(b.dir, 'recordings', ...session.recordingPath!.split('/')));
    const recorded = file
      .toString('utf8')
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((line) => JSON.parse(line) as [number, string, string])
      .filter(([, kind]) => kind === 'o')
      .map(([, , data]) => data)
      .join('');
    const count = (text: string): number => text.split('S').length - 1;
    expect(count(r.stdout.toString())).toBeLessThanOrEqual(count(recorded));
  });
});
