/**
 * Verify, the last step of a session's lifecycle (open → seal → verify). A sealed recording is
 * trusted only when the session row, its one `recording.sealed` event in an intact audit chain,
 * the signed manifest and the file all agree. Used by `gatehouse recording verify` and the
 * review page; it reads and never writes.
 */
import type { KeyObject } from 'node:crypto';
import type { AuditRecord, Session, SessionId } from '../core/model.js';
import { isoTime } from '../core/timestamp.js';
import type { AuditVerification, Store } from '../core/ports.js';
import { errorMessage, oneLine } from '../core/errors.js';
import { recordingFileExists } from '../recording/recording-files.js';
import { sessionIdOfRelativePath } from '../recording/recording-path.js';
import {
  recordingStoreOf,
  withRecording,
  type RecordingStore,
} from '../recording/recording-store.js';
import { verifyRecording } from '../recording/verify-recording.js';

export type SessionVerification =
  | {
      readonly sessionId: SessionId;
      readonly status: 'ok';
      readonly sha256: string;
      readonly events: number;
      readonly bytes: number;
    }
  | {
      readonly sessionId: SessionId;
      readonly status: 'fail';
      /** The first problem found, one line. */
      readonly problem: string;
      /** The .cast line it was found on, when known. */
      readonly line: number | null;
    }
  | {
      readonly sessionId: SessionId;
      readonly status: 'skipped';
      readonly problem: string;
      /** Pruned by retention, as the chain proves (docs/retention.md); else live. */
      readonly pruned?: true;
    };

export interface VerifyDeps {
  readonly store: Pick<Store, 'sessions' | 'audit'>;
  /** The spool: where the session rows' relative recording paths point into. */
  readonly recordingsDir: string;
  /** Where sealed recordings are read (absent: the local store, `recordingsDir`). */
  readonly recordings?: RecordingStore;
  /**
   * The keys manifests may be signed with (the keyring). A function is called at most once per
   * verification run, and only once a file is to be checked (so a run that fails before needs
   * no key).
   */
  readonly publicKeys: readonly KeyObject[] | (() => Promise<readonly KeyObject[]>);
}

/** What the store says, read once per run before any file is touched. */
interface Evidence {
  /** `recording.sealed` events by the sessionId in their payload. */
  readonly sealed: ReadonlyMap<string, readonly AuditRecord[]>;
  /** `recording.pruned` events, the same way. */
  readonly pruned: ReadonlyMap<string, readonly AuditRecord[]>;
  readonly chain: AuditVerification;
}

/** A failure's problem with its line, as one line of text. */
export const problemText = (v: {
  readonly problem: string;
  readonly line: number | null;
}): string => `${v.problem}${v.line === null ? '' : ` (line ${v.line})`}`;

/** One session (a live one is `skipped`). */
export async function verifySession(
  deps: VerifyDeps,
  session: Session,
): Promise<SessionVerification> {
  for await (const v of verifySessions(deps, [session])) return v;
  throw new Error('verifySessions yielded nothing for one session');
}

/**
 * Every session in the store, oldest first (live ones are `skipped` unless their file is gone),
 * then every recording file or manifest on disk that no session row names: what is left when a
 * session's row was deleted.
 */
export async function* verifyAllSessions(deps: VerifyDeps): AsyncGenerator<SessionVerification> {
  const sessions = await deps.store.sessions.list();
  yield* verifySessions(deps, sessions);
  const known = new Set(sessions.map((s) => s.recordingPath));
  for (const file of await recordingStoreOf(deps).list()) {
    if (known.has(file.castPath)) continue;
    const id = sessionIdOfRelativePath(file.castPath) as SessionId;
    // A session that started after the list above has its row by now.
    if ((await deps.store.sessions.get(id))?.recordingPath === file.castPath) continue;
    const what = file.kind === 'cast' ? 'recording file' : 'manifest';
    yield fail(
      id,
      `${what} ${file.castPath}${file.kind === 'manifest' ? '.manifest.json' : ''} has no session row (the session was deleted from the database?)`,
    );
  }
}

/** Each of `sessions` in order, one result as soon as it is known. */
export async function* verifySessions(
  deps: VerifyDeps,
  sessions: readonly Session[],
): AsyncGenerator<SessionVerification> {
  const evidence = await readEvidence(deps.store);
  let keys: Promise<readonly KeyObject[]> | undefined;
  const publicKeys = deps.publicKeys;
  const getKeys = (): Promise<readonly KeyObject[]> =>
    (keys ??= typeof publicKeys === 'function' ? publicKeys() : Promise.resolve(publicKeys));
  const store = recordingStoreOf(deps);
  for (const s of sessions) yield await checkSession(s, evidence, store, getKeys);
}

async function eventsBySession(
  store: VerifyDeps['store'],
  type: 'recording.sealed' | 'recording.pruned',
): Promise<Map<string, AuditRecord[]>> {
  const bySession = new Map<string, AuditRecord[]>();
  for (const r of await store.audit.list({ type })) {
    const sid = r.payload['sessionId'];
    if (typeof sid === 'string') bySession.set(sid, [...(bySession.get(sid) ?? []), r]);
  }
  return bySession;
}

async function readEvidence(store: VerifyDeps['store']): Promise<Evidence> {
  return {
    sealed: await eventsBySession(store, 'recording.sealed'),
    pruned: await eventsBySession(store, 'recording.pruned'),
    chain: await store.audit.verify(),
  };
}

const fail = (sessionId: SessionId, problem: string, line?: number): SessionVerification => ({
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
  store: RecordingStore,
  keys: () => Promise<readonly KeyObject[]>,
): Promise<SessionVerification> {
  const id = s.id;
  if (s.endedAt === null) {
    if (s.recordingPath !== null && !(await recordingFileExists(store.spoolDir, s.recordingPath)))
      return fail(id, `live session, but its recording file ${s.recordingPath} is missing`);
    return { sessionId: id, status: 'skipped', problem: 'live session, recording not sealed yet' };
  }
  if (s.recordingPath === null || s.sha256 === null || s.bytes === null) {
    const missing = s.recordingPath === null ? 'path' : s.sha256 === null ? 'sha256' : 'size';
    return fail(
      id,
      `not sealed: the session row has no recording ${missing} (ended ${s.endReason ?? '?'})`,
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
  const at = `the audit chain (seq ${sealed.seq}) sealed`;
  if (p['path'] !== s.recordingPath)
    return fail(
      id,
      `${at} path ${JSON.stringify(p['path'])}, the session row has ${JSON.stringify(s.recordingPath)}`,
    );
  if (p['sha256'] !== s.sha256)
    return fail(id, `${at} sha256 ${JSON.stringify(p['sha256'])}, the session row has ${s.sha256}`);
  if (p['bytes'] !== s.bytes)
    return fail(id, `${at} size ${JSON.stringify(p['bytes'])}, the session row has ${s.bytes}`);
  if (!isCount(p['events']))
    return fail(
      id,
      `the audit chain's recording.sealed event (seq ${sealed.seq}) has no event count`,
    );
  if (s.recordingPrunedAt !== null) return checkPruned(s, s.sha256, evidence);

  const expected = { sha256: s.sha256, bytes: s.bytes, events: p['events'] };
  const publicKeys = await keys();
  const path = s.recordingPath;
  const result = await withRecording(store, path, (dir) =>
    verifyRecording({ dir, path, expected, publicKeys }),
  ).catch((err: unknown) => ({
    ok: false as const,
    problem: `the recording cannot be read from the store (${oneLine(errorMessage(err), 200)})`,
    line: undefined,
  }));
  if (!result.ok) return fail(id, result.problem, result.line);
  const m = result.manifest;
  return { sessionId: id, status: 'ok', sha256: m.sha256, events: m.events, bytes: m.bytes };
}

/**
 * A pruned recording is accepted when the chain holds its one `recording.pruned` event, by
 * retention, whose cast is the sealed one (same path and sha256): what was removed was what was
 * sealed.
 */
function checkPruned(s: Session, sealedSha256: string, evidence: Evidence): SessionVerification {
  const id = s.id;
  const events = evidence.pruned.get(id) ?? [];
  const [pruned] = events;
  if (pruned === undefined)
    return fail(
      id,
      'the session row says pruned, but the audit chain has no recording.pruned event',
    );
  if (events.length > 1)
    return fail(id, `${events.length} recording.pruned events in the audit chain`);
  const chain = evidence.chain;
  if (!chain.ok && pruned.seq >= chain.seq)
    return fail(
      id,
      `audit chain broken at seq ${chain.seq} (${chain.problem}): its recording.pruned event (seq ${pruned.seq}) cannot be trusted`,
    );
  const p = pruned.payload;
  const at = `the audit chain's recording.pruned event (seq ${pruned.seq})`;
  if (p['reason'] !== 'retention' || p['path'] !== s.recordingPath)
    return fail(id, `${at} is not a retention prune of ${s.recordingPath ?? 'its recording'}`);
  const files: unknown[] = Array.isArray(p['files']) ? (p['files'] as unknown[]) : [];
  const cast = files.find(
    (f): f is { sha256: unknown } =>
      typeof f === 'object' && f !== null && (f as { path?: unknown }).path === s.recordingPath,
  );
  if (cast?.sha256 !== sealedSha256)
    return fail(
      id,
      cast === undefined
        ? `${at} lists no cast: the recording was already missing when it was pruned`
        : `${at} removed a cast with sha256 ${JSON.stringify(cast.sha256)}, the sealed one was ${sealedSha256}`,
    );
  return {
    sessionId: id,
    status: 'skipped',
    problem: `pruned ${isoTime(s.recordingPrunedAt ?? pruned.ts)} by retention (audit seq ${pruned.seq})`,
    pruned: true,
  };
}
