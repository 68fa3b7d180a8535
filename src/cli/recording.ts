import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { GatehouseError, isGatehouseError } from '../core/errors.js';
import type { AuditRecord, Session, SessionId } from '../core/model.js';
import type { AuditVerification } from '../core/ports.js';
import { ed25519KeyFromOpenSsh, ed25519PublicKeyFromOpenSsh } from '../recording/manifest.js';
import { sessionIdOfRelativePath } from '../recording/recording-path.js';
import { verifyRecording } from '../recording/verify-recording.js';
import type { CliContext } from './context.js';
import { printJson, printLine, safeText } from './output.js';
import { requireSessionId, usage } from './validate.js';

export type RecordingCheck =
  | {
      readonly sessionId: string;
      readonly status: 'ok';
      readonly events: number;
      readonly bytes: number;
    }
  | {
      readonly sessionId: string;
      readonly status: 'fail';
      readonly problem: string;
      readonly line: number | null;
    }
  | { readonly sessionId: string; readonly status: 'skipped'; readonly problem: string };

/** What the store says about the recordings to check, read before any file is touched. */
interface Evidence {
  readonly sessions: readonly Session[];
  /** `recording.sealed` events by the sessionId in their payload. */
  readonly sealed: ReadonlyMap<string, readonly AuditRecord[]>;
  readonly chain: AuditVerification;
}

const errno = (e: unknown): string | undefined => (e as NodeJS.ErrnoException).code;

/** The bastion's public host key: `<hostKeyPath>.pub`, else derived from the private key. */
async function bastionPublicKey(hostKeyPath: string): Promise<KeyObject> {
  const pubPath = `${hostKeyPath}.pub`;
  try {
    return ed25519PublicKeyFromOpenSsh(await readFile(pubPath, 'utf8'));
  } catch (e) {
    if (isGatehouseError(e))
      throw new GatehouseError('config', `recording: ${pubPath} is not an ssh-ed25519 public key`);
    if (errno(e) !== 'ENOENT')
      throw new GatehouseError(
        'config',
        `recording: cannot read ${pubPath} (${errno(e) ?? 'error'})`,
      );
  }
  let privateFile: Buffer;
  try {
    privateFile = await readFile(hostKeyPath);
  } catch (e) {
    throw new GatehouseError(
      'config',
      `recording: no bastion host key to check signatures with (${pubPath} and ${hostKeyPath}: ${errno(e) ?? 'error'})`,
    );
  }
  return createPublicKey(ed25519KeyFromOpenSsh(privateFile));
}

const fail = (sessionId: string, problem: string, line?: number): RecordingCheck => ({
  sessionId,
  status: 'fail',
  problem,
  line: line ?? null,
});

const isCount = (v: unknown): v is number =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** The session row, its one `recording.sealed` event, the chain, then the file and its manifest. */
async function checkSession(
  s: Session,
  evidence: Evidence,
  dir: string,
  key: () => Promise<KeyObject>,
): Promise<RecordingCheck> {
  const id = s.id;
  if (s.endedAt === null)
    return { sessionId: id, status: 'skipped', problem: 'live session, recording not sealed yet' };
  if (s.recordingPath === null || s.sha256 === null || s.bytes === null) {
    return fail(
      id,
      `not sealed: the session row has no recording ${s.recordingPath === null ? 'path' : s.sha256 === null ? 'sha256' : 'size'} (ended ${s.endReason ?? '?'})`,
    );
  }
  if (sessionIdOfRelativePath(s.recordingPath) !== id) {
    return fail(
      id,
      `the session row's recording path ${JSON.stringify(s.recordingPath)} is not this session's recording`,
    );
  }
  const events = evidence.sealed.get(id) ?? [];
  const [sealed] = events;
  if (sealed === undefined) return fail(id, 'no recording.sealed event in the audit chain');
  if (events.length > 1)
    return fail(
      id,
      `${events.length} recording.sealed events in the audit chain (sealed more than once)`,
    );
  const chain = evidence.chain;
  if (!chain.ok && sealed.seq >= chain.seq) {
    return fail(
      id,
      `audit chain broken at seq ${chain.seq} (${chain.problem}): its recording.sealed event (seq ${sealed.seq}) cannot be trusted`,
    );
  }
  const p = sealed.payload;
  if (p['path'] !== s.recordingPath)
    return fail(
      id,
      `the audit chain (seq ${sealed.seq}) sealed path ${JSON.stringify(p['path'])}, the session row has ${JSON.stringify(s.recordingPath)}`,
    );
  if (p['sha256'] !== s.sha256)
    return fail(
      id,
      `the audit chain (seq ${sealed.seq}) sealed sha256 ${JSON.stringify(p['sha256'])}, the session row has ${s.sha256}`,
    );
  if (p['bytes'] !== s.bytes)
    return fail(
      id,
      `the audit chain (seq ${sealed.seq}) sealed size ${JSON.stringify(p['bytes'])}, the session row has ${s.bytes}`,
    );
  if (!isCount(p['events']))
    return fail(
      id,
      `the audit chain's recording.sealed event (seq ${sealed.seq}) has no event count`,
    );

  const result = await verifyRecording({
    dir,
    path: s.recordingPath,
    expected: { sha256: s.sha256, bytes: s.bytes, events: p['events'] },
    publicKey: await key(),
  });
  if (!result.ok) return fail(id, result.problem, result.line);
  return {
    sessionId: id,
    status: 'ok',
    events: result.manifest.events,
    bytes: result.manifest.bytes,
  };
}

function textOf(c: RecordingCheck): string {
  switch (c.status) {
    case 'ok':
      return `ok ${c.sessionId} ${c.events} events ${c.bytes} bytes`;
    case 'fail':
      return `FAIL ${c.sessionId}: ${c.problem}${c.line === null ? '' : ` (line ${c.line})`}`;
    case 'skipped':
      return `skip ${c.sessionId}: ${c.problem}`;
  }
}

export function register(program: Command, ctx: CliContext): void {
  const recording = program.command('recording').description('session recordings');

  recording
    .command('verify')
    .description(
      'check recordings against their signed manifest, the session row and the audit chain; exit 1 naming the first bad one',
    )
    .argument('[session-id]', 'UUID from `session list`')
    .option('--all', 'every ended session', false)
    .action(async (idText: string | undefined, opts: { readonly all: boolean }) => {
      if ((idText === undefined) === !opts.all)
        throw usage('recording verify: give a session id or --all (one of them)');
      const id =
        idText === undefined ? undefined : (requireSessionId('session id', idText) as SessionId);
      const { evidence, config } = await ctx.withStore(async (store, config) => {
        let sessions: Session[];
        if (id === undefined) sessions = await store.sessions.list();
        else {
          const s = await store.sessions.get(id);
          if (s === null)
            throw new GatehouseError('not_found', `recording: no session with id ${id}`);
          if (s.endedAt === null)
            throw new GatehouseError(
              'refused',
              `recording: session ${id} is live; its recording is sealed when it ends`,
            );
          sessions = [s];
        }
        const sealed = new Map<string, AuditRecord[]>();
        for (const r of await store.audit.list({ type: 'recording.sealed' })) {
          const sid = r.payload['sessionId'];
          if (typeof sid === 'string') sealed.set(sid, [...(sealed.get(sid) ?? []), r]);
        }
        return { evidence: { sessions, sealed, chain: await store.audit.verify() }, config };
      });

      let key: Promise<KeyObject> | undefined;
      const getKey = (): Promise<KeyObject> => (key ??= bastionPublicKey(config.ssh.hostKeyPath));
      const json = ctx.options().json;
      const checks: RecordingCheck[] = [];
      for (const s of evidence.sessions) {
        const check = await checkSession(s, evidence, config.recordings.dir, getKey);
        checks.push(check);
        if (!json) printLine(ctx, textOf(check));
      }
      const failed = checks.filter((c) => c.status === 'fail');
      const verified = checks.filter((c) => c.status === 'ok').length;
      const skipped = checks.length - failed.length - verified;
      if (json)
        printJson(ctx, {
          ok: failed.length === 0,
          verified,
          failed: failed.length,
          skipped,
          recordings: checks,
        });
      const [first] = failed;
      if (first !== undefined && first.status === 'fail') {
        const others =
          failed.length > 1
            ? ` (${failed.length} of ${checks.length - skipped} recordings failed)`
            : '';
        throw new GatehouseError(
          'refused',
          safeText(`recording: ${first.sessionId} failed verification: ${first.problem}${others}`),
        );
      }
      if (id === undefined && !json)
        printLine(
          ctx,
          `ok ${verified} recordings${skipped > 0 ? ` (${skipped} live skipped)` : ''}`,
        );
    });
}
