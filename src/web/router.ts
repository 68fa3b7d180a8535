/**
 * Dispatch by exact paths and fixed patterns. Only the login routes and static assets are
 * public; every other path (unknown ones too) answers 401 until an account is logged in. Then
 * each route needs its role (core/reviewer-role.ts): the sessions, replays and search need
 * `reviewer`, the access requests and ending a live session `approver`; without it, 403.
 */
import type { RequestId, SessionId } from '../core/model.js';
import { hasRole } from '../core/reviewer.js';
import type { ReviewerRole } from '../core/reviewer-role.js';
import type { AuthedRequest, Request } from './context.js';
import { forbiddenPage } from './pages/forbidden.js';
import { loginPage } from './pages/login.js';
import { redirect, sendAsset, sendHtml, sendText } from './respond.js';
import { formTokenOf } from './reviewer-sessions.js';
import { linkGet, linkPost, loginPost, logoutPost } from './routes-login.js';
import { metricsRoute } from './routes-metrics.js';
import { decideRequest, listRequests, showRequest, type Decision } from './routes-requests.js';
import { liveStream } from './routes-live.js';
import { downloadCast, listSessions, search, showSession } from './routes-review.js';
import { endSession } from './routes-session-end.js';

const SESSION_ID = '([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})';
const SESSION_PATH = new RegExp(`^/sessions/${SESSION_ID}(\\.cast|/live)?$`);
const SESSION_END_PATH = new RegExp(`^/sessions/${SESSION_ID}/end$`);

const REQUEST_PATH = /^\/requests\/([1-9][0-9]{0,14})(?:\/(approve|deny))?$/;

const isRead = (method: string | undefined): boolean => method === 'GET' || method === 'HEAD';

function methodNotAllowed(r: Request, allow: string): void {
  r.res.setHeader('Allow', allow);
  sendText(r.req, r.res, 405, 'method not allowed');
}

/** Returns true when the path was a public route and has been answered. */
async function publicRoute(r: Request): Promise<boolean> {
  const path = r.url.pathname;
  const method = r.req.method;
  const asset = r.deps.assets.get(path);
  if (asset !== undefined) {
    if (isRead(method)) sendAsset(r.req, r.res, asset);
    else methodNotAllowed(r, 'GET, HEAD');
    return true;
  }
  if (path === '/login') {
    if (isRead(method))
      sendHtml(r.req, r.res, 200, loginPage({ next: r.url.searchParams.get('next') }));
    else if (method === 'POST') await loginPost(r);
    else methodNotAllowed(r, 'GET, HEAD, POST');
    return true;
  }
  if (path === '/login/link') {
    if (isRead(method)) linkGet(r);
    else if (method === 'POST') await linkPost(r);
    else methodNotAllowed(r, 'GET, HEAD, POST');
    return true;
  }
  if (path === '/logout') {
    if (method === 'POST') await logoutPost(r);
    else methodNotAllowed(r, 'POST');
    return true;
  }
  return false;
}

/** Paths of the `reviewer` role: the session list, search, a session and its recording. */
async function reviewerRoute(r: AuthedRequest): Promise<boolean> {
  const path = r.url.pathname;
  const m = SESSION_PATH.exec(path);
  if (path !== '/' && path !== '/search' && m === null) return false;
  if (!hasRole(r.reviewer, 'reviewer')) {
    // An approver's home is the request list.
    if (path === '/' && hasRole(r.reviewer, 'approver')) redirect(r.res, '/requests');
    else forbidden(r, 'reviewer');
    return true;
  }
  if (!isRead(r.req.method)) methodNotAllowed(r, 'GET, HEAD');
  else if (path === '/') await listSessions(r);
  else if (path === '/search') await search(r);
  else if (m?.[2] === undefined) await showSession(r, m?.[1] as SessionId);
  else if (m[2] === '/live') await liveStream(r, m[1] as SessionId);
  else await downloadCast(r, m[1] as SessionId);
  return true;
}

/** Paths of the `approver` role: the request list, a request, its approve and deny posts. */
async function approverRoute(r: AuthedRequest): Promise<boolean> {
  const path = r.url.pathname;
  const m = REQUEST_PATH.exec(path);
  if (path !== '/requests' && m === null) return false;
  if (!hasRole(r.reviewer, 'approver')) forbidden(r, 'approver');
  else if (path === '/requests') {
    if (isRead(r.req.method)) await listRequests(r);
    else methodNotAllowed(r, 'GET, HEAD');
  } else {
    const id = Number(m?.[1]) as RequestId;
    const decision = m?.[2] as Decision | undefined;
    if (decision === undefined) {
      if (isRead(r.req.method)) await showRequest(r, id);
      else methodNotAllowed(r, 'GET, HEAD');
    } else if (r.req.method === 'POST') await decideRequest(r, id, decision);
    else methodNotAllowed(r, 'POST');
  }
  return true;
}

/** `POST /sessions/<id>/end`: an approver ends a live session with a reason. */
async function sessionEndRoute(r: AuthedRequest): Promise<boolean> {
  const m = SESSION_END_PATH.exec(r.url.pathname);
  if (m === null) return false;
  if (!hasRole(r.reviewer, 'approver')) forbidden(r, 'approver');
  else if (r.req.method === 'POST') await endSession(r, m[1] as SessionId);
  else methodNotAllowed(r, 'POST');
  return true;
}

function forbidden(r: AuthedRequest, role: ReviewerRole): void {
  sendHtml(r.req, r.res, 403, forbiddenPage(r.viewer, role));
}

async function accountRoute(r: AuthedRequest): Promise<void> {
  if ((await reviewerRoute(r)) || (await approverRoute(r)) || (await sessionEndRoute(r))) return;
  sendText(r.req, r.res, 404, 'not found');
}

export async function route(r: Request): Promise<void> {
  if (await publicRoute(r)) return;
  if (r.url.pathname === '/metrics') return await metricsRoute(r);
  const current = await r.deps.sessions.current(r.req);
  if (current === null) {
    // Data files get a bare 401; pages get the login form with it.
    if (/\.cast$|\/live$/.test(r.url.pathname) || !isRead(r.req.method)) {
      sendText(r.req, r.res, 401, 'unauthorized: log in as a reviewer');
    } else {
      // The form comes back here after login (its `next`).
      const next = `${r.url.pathname}${r.url.search}`;
      sendHtml(r.req, r.res, 401, loginPage({ notice: 'Log in to see recordings.', next }));
    }
    return;
  }
  const viewer = {
    name: current.name,
    roles: current.roles,
    csrfToken: formTokenOf(r.req) ?? '',
  };
  await accountRoute({ ...r, reviewer: current, viewer });
}
