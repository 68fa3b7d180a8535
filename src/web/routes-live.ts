/**
 * `GET /sessions/<id>/live`: a session as it happens, as Server-Sent Events in the format of
 * asciinema-player's `eventsource` driver: first the terminal size, then every output event from
 * the start of the recording (the current screen), then new output as the recorder writes it
 * (tailing the .cast file: cast-follower.ts), then a `done` event when the session has ended.
 * Only a read; each stream opened is a `review.view` (view `live`) before anything is sent.
 */
import type { ServerResponse } from 'node:http';
import type { SessionId } from '../core/model.js';
import { hasRole } from '../core/reviewer.js';
import { followCast } from '../recording/cast-follower.js';
import type { AuthedRequest } from './context.js';
import { castFileOf } from './recording-file.js';
import { sendText } from './respond.js';
import { audit } from './routes-review.js';

/** Keeps proxies from closing a quiet stream. */
const HEARTBEAT_MS = 15_000;

/**
 * How often an open stream asks whether its login still holds: `reviewer disable`, `remove` and
 * `reset-password` run in another process and end the account's web sessions in the store, and a
 * logout in another tab ends this one; the stream then stops within this time.
 */
const LOGIN_CHECK_MS = 2_000;

/** Writes one chunk, waiting for the socket to drain first when it is full. */
async function send(res: ServerResponse, text: string): Promise<void> {
  if (res.destroyed) return;
  if (res.write(text)) return;
  await new Promise<void>((done) => {
    const finish = (): void => {
      res.off('drain', finish);
      res.off('close', finish);
      done();
    };
    res.on('drain', finish);
    res.on('close', finish);
  });
}

/** Tells the player the stream has ended (it closes the EventSource, no reconnect). */
const DONE = 'event: done\ndata: {}\n\n';

const message = (data: unknown): string => `data: ${JSON.stringify(data)}\n\n`;

/** Whether the request's login is still this account's, with the role to watch (fail closed). */
async function stillSignedIn(r: AuthedRequest): Promise<boolean> {
  const now = await r.deps.sessions.current(r.req);
  return now !== null && now.name === r.reviewer.name && hasRole(now, 'reviewer');
}

export async function liveStream(r: AuthedRequest, id: SessionId): Promise<void> {
  const { store, recordingsDir, clock, logger } = r.deps;
  const session = await store.reviewers.session(id);
  const castPath = session === null ? null : await castFileOf(recordingsDir, session.recordingPath);
  if (session === null || castPath === null) {
    sendText(r.req, r.res, 404, 'not found');
    return;
  }
  const slot = r.deps.liveWatchers.enter(r.reviewer.name);
  if (slot === null) {
    sendText(r.req, r.res, 503, 'too many live views open; close one and reload');
    return;
  }
  try {
    await audit(r, { view: 'live', sessionId: id });
  } catch (err) {
    slot.release();
    throw err;
  }
  const left = new AbortController();
  const stop = (): void => left.abort();
  slot.signal.addEventListener('abort', stop);
  r.res.on('close', stop);
  const heartbeat = setInterval(() => void send(r.res, ': still here\n\n'), HEARTBEAT_MS);
  const loginCheck = setInterval(() => {
    void stillSignedIn(r).then(
      (ok) => ok || stop(),
      (err: unknown) => {
        logger.warn({ err, sessionId: id }, 'live view: login check failed');
        stop();
      },
    );
  }, LOGIN_CHECK_MS);
  try {
    r.res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Accel-Buffering': 'no',
    });
    if (r.req.method === 'HEAD') return;
    const end = await followCast(castPath, {
      ended: async () => (await store.sessions.get(id))?.endedAt != null,
      onHeader: (h) => {
        // The player's reset: the terminal size and the session's clock so far (seconds).
        const time = Math.max(0, (clock.now() - session.startedAt) / 1000);
        return send(r.res, `retry: 3000\n${message({ cols: h.width, rows: h.height, time })}`);
      },
      onEvent: (e) => (e.kind === 'o' ? send(r.res, message([e.time, e.kind, e.data])) : undefined),
      signal: left.signal,
    });
    if (end === 'ended') await send(r.res, DONE);
  } catch (err) {
    logger.warn({ err, sessionId: id }, 'live view ended early');
    // A recording that cannot be followed would fail the same way at each reconnect.
    if (r.res.headersSent) await send(r.res, DONE);
  } finally {
    clearInterval(heartbeat);
    clearInterval(loginCheck);
    slot.signal.removeEventListener('abort', stop);
    slot.release();
    r.res.end();
  }
}
