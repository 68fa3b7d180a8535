/** Waiting on what `recordings.store: s3` does (recording-s3.test.ts): seals, uploads, serve. */
import { spawn, type ChildProcess } from 'node:child_process';
import { access, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { GrantId, Session } from '../../src/core/model.js';
import type { Store } from '../../src/core/ports.js';
import type { BastionFixture } from '../helpers/bastion.js';
import { eventually } from '../helpers/eventually.js';
import type { S3Server } from '../helpers/s3-server.js';

export const present = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  );

/** The one session of `grantId`, once it has ended and its recording is sealed. */
export async function endedSession(store: Store, grantId: GrantId): Promise<Session> {
  const ended = await eventually(
    async () => (await store.sessions.list()).filter((s) => s.grantId === grantId),
    (list) => list.length === 1 && list[0]!.endedAt !== null && list[0]!.sha256 !== null,
  );
  expect(ended).toHaveLength(1);
  return ended[0]!;
}

/** Waits until the recording and its manifest are under `prefix` and gone from the spool. */
export async function uploaded(
  s3: S3Server,
  prefix: string,
  dir: string,
  session: Session,
  ms = 20_000,
  spoolDir = 'recordings',
): Promise<void> {
  const key = `${prefix}${session.recordingPath!}`;
  const spool = join(dir, spoolDir, ...session.recordingPath!.split('/'));
  const done = await eventually(
    async () => ({ keys: await s3.keys(prefix), spooled: await present(spool) }),
    (v) => v.keys.includes(`${key}.manifest.json`) && !v.spooled,
    ms,
  );
  expect(done.keys).toEqual(expect.arrayContaining([key, `${key}.manifest.json`]));
  expect(done.spooled).toBe(false);
}

/**
 * `gatehouse serve` in its own process on the fixture's config (ssh and web on port 0), or on
 * that config as `edit` changes it (another node: its name, its spool), written to `file`.
 */
export async function serve(
  b: BastionFixture,
  other: { readonly file: string; edit(config: string): string } = {
    file: 'serve.yaml',
    edit: (config) => config,
  },
): Promise<{ readonly proc: ChildProcess; readonly port: number }> {
  const configPath = join(b.dir, other.file);
  const config = other.edit(await readFile(b.configPath, 'utf8'));
  await writeFile(configPath, config.replace("listen: '127.0.0.1:2222'", "listen: '127.0.0.1:0'"));
  const proc = spawn(process.execPath, ['bin/gatehouse.js', '--config', configPath, 'serve'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  let stdout = '';
  proc.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  await eventually(
    async () => stdout,
    (s) => /listening on/.test(s),
    15_000,
  );
  const port = Number(/listening on 127\.0\.0\.1:(\d+)/.exec(stdout)?.[1]);
  expect(port).toBeGreaterThan(0);
  return { proc, port };
}
