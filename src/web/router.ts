/**
 * Dispatch by exact paths and one fixed pattern. Only the login routes and static assets are
 * public; every other path (unknown ones too) answers 401 until a reviewer is logged in.
 */
import type { SessionId } from '../core/model.js';
import type { AuthedRequest, Request } from './context.js';
import { loginPage } from './pages/login.js';
import { sendAsset, sendHtml, sendText } from './respond.js';
import { linkGet, linkPost, loginPost, logoutPost } from './routes-login.js';
import { metricsRoute } from './routes-metrics.js';
import { downloadCast, listSessions, search, showSession } from './routes-review.js';

const SESSION_PATH =
  /^\/sessions\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(\.cast)?$/;

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
    if (isRead(method)) sendHtml(r.req, r.res, 200, loginPage());
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

async function reviewerRoute(r: AuthedRequest): Promise<void> {
  const path = r.url.pathname;
  if (path === '/' || path === '/search') {
    if (!isRead(r.req.method)) return methodNotAllowed(r, 'GET, HEAD');
    return path === '/' ? listSessions(r) : search(r);
  }
  const m = SESSION_PATH.exec(path);
  if (m?.[1] === undefined) return sendText(r.req, r.res, 404, 'not found');
  if (!isRead(r.req.method)) return methodNotAllowed(r, 'GET, HEAD');
  const id = m[1] as SessionId;
  return m[2] === undefined ? showSession(r, id) : downloadCast(r, id);
}

export async function route(r: Request): Promise<void> {
  if (await publicRoute(r)) return;
  if (r.url.pathname === '/metrics') return await metricsRoute(r);
  const current = await r.deps.sessions.current(r.req);
  if (current === null) {
    // Data files get a bare 401; pages get the login form with it.
    if (r.url.pathname.endsWith('.cast') || !isRead(r.req.method)) {
      sendText(r.req, r.res, 401, 'unauthorized: log in as a reviewer');
    } else {
      sendHtml(r.req, r.res, 401, loginPage({ notice: 'Log in to see recordings.' }));
    }
    return;
  }
  await reviewerRoute({ ...r, reviewer: current });
}
