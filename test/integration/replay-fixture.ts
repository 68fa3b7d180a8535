/**
 * Real recorded sessions without the ssh server, sealed the way the bastion seals them at channel
 * close: session row (store.sessions.start/end), cast file (openRecording), signed manifest with
 * the bastion host key (ensureKeyPair at config.ssh.hostKeyPath) and a `recording.sealed` event.
 */
import { randomUUID } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { main } from '../../src/cli/main.js';
import { auditEvents } from '../../src/core/audit-events.js';
import { loadConfig, type Config } from '../../src/config/load-config.js';
import { fixedClock, type Clock } from '../../src/core/clock.js';
import type { Grant, SessionId } from '../../src/core/model.js';
import type { SessionRef } from '../../src/core/audit-payloads.js';
import type { Store } from '../../src/core/ports.js';
import type { SessionKind } from '../../src/core/session-summary.js';
import type { TransferEvent } from '../../src/core/transfer-entries.js';
import { ensureKeyPair } from '../../src/keys/key-files.js';
import { signingKeyFromOpenSsh } from '../../src/keys/signing-key.js';
import { writeManifest } from '../../src/recording/manifest.js';
import { openRecording } from '../../src/recording/recorder.js';
import { recordingRelativePath, resolveRecordingPath } from '../../src/recording/recording-path.js';
import { openStore } from '../../src/store/open-store.js';
import { sessionEndEvent, sessionStartEvent } from '../helpers/session-events.js';
import { makeCli, type Cli, type Run } from './cli-harness.js';

export const HOUR = 3_600_000;
export const T0 = Date.UTC(2026, 10, 24, 12, 0, 0);

/** One thing that happened in a recorded session, `at` ms after its start. */
export type Step =
  | { readonly at: number; readonly out: string }
  | { readonly at: number; readonly resize: readonly [number, number] }
  | { readonly at: number; readonly marker: string };

export interface RecordOptions {
  readonly grant: Grant;
  /** Default: a random UUID. */
  readonly id?: SessionId;
  readonly startedAt?: number;
  readonly steps: readonly Step[];
  /** Default: end 1 s after the last step, reason closed, exit status 0. */
  readonly endedAt?: number;
  /** Leave the session live (file flushed, but no end, no manifest, no seal event). */
  readonly live?: boolean;
  /** The session row's kind (default: none). */
  readonly kind?: SessionKind;
  /** Transfer events appended while the session is open (a transfer session's log). */
  readonly transfers?: readonly ((session: SessionRef) => TransferEvent)[];
}

export interface Bench {
  readonly cli: Cli;
  readonly config: Config;
  readonly store: Store;
  /** alice on db1 and bob on web1 with shell grants from T0 - 1h for a day. */
  readonly grants: { readonly alice: Grant; readonly bob: Grant };
  record(options: RecordOptions): Promise<SessionId>;
  /** Absolute path of a session's cast file (from its row). */
  castPath(id: SessionId): Promise<string>;
  /** `gatehouse --config <temp> ...args` in-process, with the CLI's clock fixed at `now`. */
  runAt(now: number, ...args: string[]): Promise<Run>;
  close(): Promise<void>;
}

async function seedGrants(store: Store, cli: Cli): Promise<Bench['grants']> {
  const userKey = (n: number) => ({
    algorithm: 'ssh-ed25519',
    blob: `AAAAC3NzaC1lZDI1NTE5AAAAI${n}`,
    fingerprint: `SHA256:replay-test-key-${n}-${path.basename(cli.dir)}`,
    comment: `key ${n}`,
  });
  const hostKey = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHostKeyForTests';
  const grantOf = async (user: string, target: string, n: number): Promise<Grant> => {
    await store.users.add(user, userKey(n), 'root');
    const nda = await store.ndas.add(
      {
        userName: user,
        title: 'Acme NDA v3',
        ref: `NDA-${n}`,
        signedAt: T0 - 30 * 24 * HOUR,
        expiresAt: null,
        documentSha256: null,
      },
      'root',
    );
    await store.targets.add(
      { name: target, host: '10.0.0.5', port: 22, login: 'ops', hostKey },
      'root',
    );
    return store.grants.add(
      {
        userName: user,
        targetName: target,
        ndaId: nda.id,
        startsAt: T0 - HOUR,
        endsAt: T0 + 24 * HOUR,
        mode: 'shell',
        allowlist: [],
        reason: 'INC-4211',
      },
      30 * 24 * HOUR,
      T0 - HOUR,
      'root',
    );
  };
  return { alice: await grantOf('alice', 'db1', 1), bob: await grantOf('bob', 'web1', 2) };
}

export async function makeBench(): Promise<Bench> {
  const cli = await makeCli('recordings:\n  dir: data/recordings\n');
  const config = await loadConfig(cli.configPath, {}, cli.dir);
  const store = await openStore(config.database.path);
  const grants = await seedGrants(store, cli);
  const hostKey = await ensureKeyPair(config.ssh.hostKeyPath);
  const signingKey: KeyObject = signingKeyFromOpenSsh(hostKey.privateKey).privateKey;

  const record = async (o: RecordOptions): Promise<SessionId> => {
    const id = o.id ?? (randomUUID() as SessionId);
    const startedAt = o.startedAt ?? T0;
    const relativePath = recordingRelativePath(id, startedAt);
    await store.sessions.start(
      {
        id,
        grantId: o.grant.id,
        userId: o.grant.userId,
        targetId: o.grant.targetId,
        startedAt,
        recordingPath: relativePath,
        ...(o.kind === undefined ? {} : { kind: o.kind }),
      },
      sessionStartEvent({ sessionId: id, grantId: o.grant.id }),
      'user:test',
    );
    const clock = fixedClock(startedAt);
    const rec = await openRecording({
      dir: config.recordings.dir,
      sessionId: id,
      startedAt,
      width: 80,
      height: 24,
      title: 'test@target: bash',
      term: 'xterm-256color',
      captureInput: false,
      mode: 'strict',
      clock,
    });
    for (const step of o.steps) {
      clock.set(startedAt + step.at);
      if ('out' in step) rec.output(Buffer.from(step.out, 'utf8'));
      else if ('resize' in step) rec.resize(step.resize[0], step.resize[1]);
      else rec.marker(step.marker);
    }
    const ref = { sessionId: id, grantId: o.grant.id, user: 'alice', target: 'db1' };
    for (const transfer of o.transfers ?? []) await store.audit.append(transfer(ref), 'user:alice');
    const seal = await rec.close(); // a live session's lines so far, all flushed
    if (o.live) return id;
    const endedAt = o.endedAt ?? startedAt + (o.steps.at(-1)?.at ?? 0) + 1000;
    await writeManifest(
      config.recordings.dir,
      {
        sessionId: id,
        path: seal.relativePath,
        sha256: seal.sha256,
        bytes: seal.bytes,
        events: seal.events,
        sealedAt: endedAt,
      },
      signingKey,
    );
    await store.sessions.end(
      id,
      { endedAt, reason: 'closed', exitStatus: 0, bytes: seal.bytes, sha256: seal.sha256 },
      sessionEndEvent({ sessionId: id, grantId: o.grant.id }),
      'user:test',
    );
    await store.audit.append(
      auditEvents.recordingSealed({
        sessionId: id,
        grantId: o.grant.id,
        user: 'alice',
        target: 'db1',
        path: seal.relativePath,
        sha256: seal.sha256,
        bytes: seal.bytes,
        events: seal.events,
      }),
      'system',
    );
    return id;
  };

  const castPath = async (id: SessionId): Promise<string> => {
    const stored = (await store.sessions.get(id))?.recordingPath ?? null;
    const abs = stored === null ? null : resolveRecordingPath(config.recordings.dir, stored);
    if (abs === null) throw new Error(`session ${id} has no recording path`);
    return abs;
  };

  const runAt = async (now: number, ...args: string[]): Promise<Run> => {
    let stdout = '';
    let stderr = '';
    const clock: Clock = fixedClock(now);
    const code = await main(
      ['--config', cli.configPath, ...args],
      { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) },
      { clock },
    );
    return { code, stdout, stderr };
  };

  return { cli, config, store, grants, record, castPath, runAt, close: () => store.close() };
}

/** Rewrites a cast file's lines (1-based line numbers as `recording verify` reports them). */
export async function editLines(file: string, edit: (lines: string[]) => string[]): Promise<void> {
  const lines = (await readFile(file, 'utf8')).split('\n');
  const last = lines.pop(); // '' after the final newline
  await writeFile(file, `${edit(lines).join('\n')}\n${last ?? ''}`);
}
