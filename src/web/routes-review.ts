/** The reviewer's pages. Each view is written to the audit chain before anything is shown. */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { auditEvents } from '../core/audit-events.js';
import type { ReviewView } from '../core/audit-payloads.js';
import type { SessionId } from '../core/model.js';
import { searchTextProblem } from '../core/recording-search.js';
import { keptByFileSeq } from '../core/kept-transfers.js';
import { readManifest } from '../recording/manifest.js';
import { MAX_INDEXED_CHARS } from '../recording/searchable-text.js';
import { reviewerActor, type ReviewSession } from '../core/reviewer.js';
import type { Store } from '../core/ports.js';
import { isTransferSession, MAX_TRANSFER_PAGE } from '../core/transfer-entries.js';
import type { TransferLogView } from './pages/transfer-log.js';
import { verifySession, type SessionVerification } from '../lifecycle/verify-session.js';
import type { AuthedRequest } from './context.js';
import { searchPage } from './pages/search.js';
import { sessionListPage } from './pages/session-list.js';
import { parseListFilters, shownFilters } from './session-list-filters.js';
import { sessionPage } from './pages/session-page.js';
import { castFileOf, readOutline, type CastOutline } from './recording-file.js';
import { errorMessage } from '../core/errors.js';
import {
  localRecordingStore,
  recordingStoreOf,
  type RecordingCopy,
} from '../recording/recording-store.js';
import { sendHtml, sendText } from './respond.js';
import { searchRecordings } from './search-recordings.js';

/** recording/searchable-text.ts MAX_INDEXED_CHARS, as the search page says it (characters). */
const MAX_INDEXED_MILLIONS = MAX_INDEXED_CHARS / 1_000_000;

/** What a reviewer looked at (the web page's kinds of review.view). */
type WebView = Extract<ReviewView, { readonly reviewer: string }>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export async function audit(
  r: AuthedRequest,
  view: DistributiveOmit<WebView, 'reviewer'>,
): Promise<void> {
  await r.deps.auditor.record(
    auditEvents.reviewView({ reviewer: r.reviewer.name, ...view }),
    reviewerActor(r.reviewer.name),
  );
}

export async function listSessions(r: AuthedRequest): Promise<void> {
  const { store, clock } = r.deps;
  const now = clock.now();
  const parsed = parseListFilters(r.url, now);
  const found = parsed.error === null ? await store.reviewers.sessionPage(parsed.query) : null;
  const [users, targets] = await Promise.all([store.users.list(), store.targets.list()]);
  await audit(r, {
    view: 'list',
    filters: shownFilters(parsed),
    count: found?.sessions.length ?? 0,
  });
  const view = {
    filters: parsed.filters,
    page: parsed.page,
    sessions: found?.sessions ?? [],
    total: found?.total ?? 0,
    userNames: users.map((u) => u.name),
    targetNames: [...new Set(targets.map((t) => t.name))],
    error: parsed.error,
    now,
  };
  sendHtml(r.req, r.res, 200, sessionListPage(r.viewer, view));
}

/** The session's recording, as the store holds it; null when retention pruned it (docs/retention.md). */
const recordingPathOf = (session: ReviewSession | null): string | null =>
  session === null || session.recordingPrunedAt !== null ? null : session.recordingPath;

export async function showSession(r: AuthedRequest, id: SessionId): Promise<void> {
  const { store } = r.deps;
  const session = await store.reviewers.session(id);
  if (session === null) {
    sendText(r.req, r.res, 404, 'not found');
    return;
  }
  const grant = await store.grants.get(session.grantId);
  const nda = grant === null ? null : await store.ndas.get(grant.ndaId);
  const { recordingsDir, manifestKeys } = r.deps;
  const recordingPath = recordingPathOf(session);
  const copy = await recordingCopy(r, recordingPath);
  let outline: CastOutline | null;
  let verification: SessionVerification | null;
  let transfers: TransferLogView | null;
  try {
    const castPath = copy === null ? null : await castFileOf(copy.dir, recordingPath);
    outline = castPath === null ? null : await readOutline(castPath);
    // Verified on the copy just read (the store is asked once); no copy: the store says why.
    const recordings = copy === null ? recordingStoreOf(r.deps) : localRecordingStore(copy.dir);
    verification =
      session.endedAt === null
        ? null
        : await verifySession(
            { store, recordingsDir, recordings, publicKeys: manifestKeys },
            session,
          );
    transfers = await transferLogOf(store, session, castPath);
  } finally {
    await copy?.release();
  }
  await audit(r, { view: 'session', sessionId: id });
  const events = await store.reviewers.sessionEvents(id);
  const view = { session, grant, nda, events, outline, verification, transfers };
  sendHtml(r.req, r.res, 200, sessionPage(r.viewer, view, r.deps.clock.now()));
}

/**
 * A transfer session's first entries and total, its files marked as the signed manifest says
 * they were kept (recordings.keepTransfers); null for a terminal session.
 */
async function transferLogOf(
  store: Store,
  session: ReviewSession,
  castPath: string | null,
): Promise<TransferLogView | null> {
  const total = await store.transfers.count(session.id);
  if (total === 0 && !isTransferSession(session)) return null;
  const entries = await store.transfers.list(session.id, { limit: MAX_TRANSFER_PAGE });
  const manifest = castPath === null ? null : await readManifest(castPath);
  const kept = manifest?.ok ? manifest.manifest.keptTransfers?.entries : undefined;
  return kept === undefined
    ? { entries, total }
    : { entries, total, kept: keptByFileSeq(entries, kept) };
}

/** The session's recording read through the store, or null (none, or the store failed: logged). */
async function recordingCopy(
  r: AuthedRequest,
  recordingPath: string | null,
): Promise<RecordingCopy | null> {
  if (recordingPath === null) return null;
  return recordingStoreOf(r.deps)
    .fetch(recordingPath)
    .catch((err: unknown) => {
      r.deps.logger.warn({ path: recordingPath, problem: errorMessage(err) }, 'recording not read');
      return null;
    });
}

export async function downloadCast(r: AuthedRequest, id: SessionId): Promise<void> {
  const recordingPath = recordingPathOf(await r.deps.store.reviewers.session(id));
  const copy = await recordingCopy(r, recordingPath);
  try {
    await sendCast(r, id, copy === null ? null : await castFileOf(copy.dir, recordingPath));
  } finally {
    await copy?.release();
  }
}

async function sendCast(r: AuthedRequest, id: SessionId, castPath: string | null): Promise<void> {
  if (castPath === null) {
    sendText(r.req, r.res, 404, 'not found');
    return;
  }
  const info = await stat(castPath);
  await audit(r, { view: 'cast', sessionId: id });
  r.res.writeHead(200, {
    'Content-Type': 'application/x-asciicast; charset=utf-8',
    'Content-Length': String(info.size),
    'Content-Disposition': `attachment; filename="${id}.cast"`,
    'Cache-Control': 'no-store',
  });
  if (r.req.method === 'HEAD') {
    r.res.end();
    return;
  }
  // Read exactly the size announced: a live recording keeps growing meanwhile.
  await pipeline(createReadStream(castPath, { start: 0, end: Math.max(0, info.size - 1) }), r.res);
}

export async function search(r: AuthedRequest): Promise<void> {
  const query = (r.url.searchParams.get('q') ?? '').trim();
  const problem = query === '' ? null : searchTextProblem(query);
  if (query === '' || problem !== null) {
    sendHtml(r.req, r.res, query === '' ? 200 : 400, searchPage(r.viewer, query, [], problem));
    return;
  }
  const { results, incomplete } = await searchRecordings(r.deps.store, query);
  await audit(r, { view: 'search', query, sessionIds: results.map((x) => x.session.id) });
  const note =
    incomplete === 0
      ? null
      : `The output of ${incomplete} session(s) is searched only in part: the first ${MAX_INDEXED_MILLIONS} million characters of each recording's text are indexed.`;
  sendHtml(r.req, r.res, 200, searchPage(r.viewer, query, results, note));
}
