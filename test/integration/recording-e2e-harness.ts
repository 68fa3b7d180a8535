/** Reading back what the bastion recorded for a session: the row, the .cast file, its events. */
import { createHash, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as pty from 'node-pty';
import { expect } from 'vitest';
import type { GrantId, Session } from '../../src/core/model.js';
import type { Store } from '../../src/core/ports.js';
import type { CastEvent, CastHeader } from '../../src/recording/asciicast-encoder.js';
import { verifyingKeyFromLine } from '../../src/keys/signing-key.js';
import { readCast } from '../../src/recording/replay.js';

export const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

export interface RecordedSession {
  readonly session: Session;
  readonly path: string;
  readonly raw: Buffer;
  readonly header: CastHeader;
  readonly events: CastEvent[];
  /** All `o` data, concatenated. */
  readonly output: string;
}

/** The one session of `grantId`, its recording read and parsed (every line must parse). */
export async function recordedSession(
  store: Store,
  recordingsDir: string,
  grantId: GrantId,
): Promise<RecordedSession> {
  const sessions = (await store.sessions.list()).filter((s) => s.grantId === grantId);
  expect(sessions).toHaveLength(1);
  const session = sessions[0]!;
  expect(session.recordingPath).not.toBeNull();
  const path = join(recordingsDir, ...session.recordingPath!.split('/'));
  const raw = await readFile(path);
  const text = raw.toString('utf8');
  // Each line on its own is JSON; readCast also checks the asciicast shape of each.
  for (const line of text.split('\n').slice(0, -1))
    expect(() => JSON.parse(line) as unknown).not.toThrow();
  const { header, events } = readCast(text);
  const output = events
    .filter((e) => e.kind === 'o')
    .map((e) => e.data)
    .join('');
  return { session, path, raw, header, events, output };
}

/** `YYYY/MM/DD/<id>.cast` from the UTC start date. */
export function expectedRelativePath(session: Session): string {
  const d = new Date(session.startedAt);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}/${two(d.getUTCMonth() + 1)}/${two(d.getUTCDate())}/${session.id}.cast`;
}

export async function hostPublicKey(configDir: string): Promise<KeyObject> {
  const key = verifyingKeyFromLine(
    await readFile(join(configDir, 'keys', 'host_ed25519.pub'), 'utf8'),
  );
  if (key === null) throw new Error('the bastion host key .pub is not an ed25519 key');
  return key.publicKey;
}

/** Runs a program in a pseudo-terminal (asciinema insists on one) and returns what it printed. */
export function runInPty(
  file: string,
  args: readonly string[],
  timeoutMs = 20_000,
): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const p = pty.spawn(file, [...args], {
      name: 'xterm',
      cols: 120,
      rows: 40,
      env: {
        PATH: process.env['PATH'] ?? '/usr/bin:/bin',
        HOME: process.env['HOME'] ?? '/tmp',
        TERM: 'xterm',
        LANG: 'C.UTF-8',
      },
    });
    let output = '';
    p.onData((d) => (output += d));
    const timer = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error(`${file} timed out; output so far:\n${output}`));
    }, timeoutMs);
    p.onExit(({ exitCode }) => {
      clearTimeout(timer);
      // Let the last output arrive (node-pty may report the exit before the final data).
      setTimeout(() => resolve({ code: exitCode, output }), 100);
    });
  });
}
