/** Logging in (password or one-time link) and out. All posts are same-origin only. */
import type { IncomingMessage } from 'node:http';
import { checkName } from '../core/names.js';
import {
  clearedCookie,
  isLoginTokenShape,
  isSameOriginPost,
  readCookie,
  COOKIE_NAME,
  sessionCookie,
  tokenSha256,
} from './auth.js';
import type { Request } from './context.js';
import { linkPage, loginPage } from './pages/login.js';
import { DUMMY_HASH, verifyPassword } from './password.js';
import { redirect, sendHtml, sendText } from './respond.js';

const MAX_FORM_BYTES = 8 * 1024;

/** The url-encoded form of a POST, or null when it is not one or is too large. */
async function readForm(req: IncomingMessage): Promise<URLSearchParams | null> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') return null;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_FORM_BYTES) return null;
    chunks.push(buf);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** Checks origin and reads the form; answers the request itself and returns null when refused. */
async function postedForm(r: Request): Promise<URLSearchParams | null> {
  if (!isSameOriginPost(r.req)) {
    sendText(r.req, r.res, 403, 'forbidden: cross-origin request');
    return null;
  }
  const form = await readForm(r.req);
  if (form === null) sendText(r.req, r.res, 400, 'bad request: expected a small url-encoded form');
  return form;
}

function startSession(r: Request, reviewerId: number, name: string): void {
  // A fresh id at every login: a cookie planted before login is worth nothing after it.
  const old = readCookie(r.req, COOKIE_NAME);
  if (old !== null) r.deps.logins.destroy(old);
  const { id } = r.deps.logins.create(reviewerId, name);
  r.deps.logger.info({ reviewer: name }, 'reviewer logged in');
  redirect(r.res, '/', sessionCookie(id));
}

export async function loginPost(r: Request): Promise<void> {
  const form = await postedForm(r);
  if (form === null) return;
  const name = form.get('name') ?? '';
  const password = form.get('password') ?? '';
  if (r.deps.throttle.blocked(name.slice(0, 64))) {
    r.deps.logger.warn({ reviewer: name.slice(0, 64) }, 'reviewer login throttled');
    sendHtml(r.req, r.res, 429, loginPage({ error: 'Too many failed logins: try again later.' }));
    return;
  }
  const found = checkName('reviewer', name).ok
    ? await r.deps.store.reviewers.findByName(name)
    : null;
  // Same work whether or not the name exists, so timing does not reveal reviewer names.
  const ok = await verifyPassword(password, found?.passwordHash ?? DUMMY_HASH);
  if (!ok || found === null || found.passwordHash === null) {
    r.deps.throttle.fail(name.slice(0, 64));
    r.deps.logger.info({ reviewer: found?.reviewer.name ?? null }, 'reviewer login failed');
    sendHtml(r.req, r.res, 401, loginPage({ error: 'Wrong name or password.' }));
    return;
  }
  r.deps.throttle.succeed(name);
  startSession(r, found.reviewer.id, found.reviewer.name);
}

export function linkGet(r: Request): void {
  const token = r.url.searchParams.get('token') ?? '';
  if (!isLoginTokenShape(token)) {
    sendHtml(r.req, r.res, 401, loginPage({ error: 'That login link is not valid.' }));
    return;
  }
  sendHtml(r.req, r.res, 200, linkPage(token));
}

export async function linkPost(r: Request): Promise<void> {
  const form = await postedForm(r);
  if (form === null) return;
  const token = form.get('token') ?? '';
  const reviewer = isLoginTokenShape(token)
    ? await r.deps.store.reviewers.useLoginToken(tokenSha256(token), r.deps.clock.now())
    : null;
  if (reviewer === null) {
    r.deps.logger.info('one-time login link refused');
    sendHtml(
      r.req,
      r.res,
      401,
      loginPage({ error: 'That login link is not valid: it is unknown, used or expired.' }),
    );
    return;
  }
  startSession(r, reviewer.id, reviewer.name);
}

export async function logoutPost(r: Request): Promise<void> {
  if (!isSameOriginPost(r.req)) {
    sendText(r.req, r.res, 403, 'forbidden: cross-origin request');
    return;
  }
  const current = r.deps.logins.fromRequest(r.req);
  if (current !== null) r.deps.logins.destroy(current.id);
  redirect(r.res, '/login', clearedCookie());
}
