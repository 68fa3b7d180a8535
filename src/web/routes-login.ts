/**
 * Logging in (password or one-time link) and out. All posts are same-origin only. A password is
 * checked only after its attempt is counted (core/reviewer-login.ts has the policy); logins,
 * failures and logouts are audit events.
 */
import type { ReviewerLoginFailureReason, ReviewerLoginMethod } from '../core/audit-payloads.js';
import { afterLoginPath } from '../core/login-next.js';
import { checkName } from '../core/names.js';
import type { Reviewer } from '../core/reviewer.js';
import { LOGIN_THROTTLE, loginSource } from '../core/reviewer-login.js';
import { reviewerLoginFailureEvent } from '../core/reviewer-login-failure-event.js';
import { isLoginTokenShape, tokenSha256 } from './auth.js';
import { clientAddress } from './client-address.js';
import type { Request } from './context.js';
import { isSameOrigin, postedForm, sessionForm } from './forms.js';
import { linkPage, loginPage } from './pages/login.js';
import { DUMMY_HASH, verifyPassword } from './password.js';
import { redirect, sendHtml, sendText } from './respond.js';

const remoteAddrOf = (r: Request): string => clientAddress(r.req, r.deps.trustedProxies);

/** reviewer.login.failure (the Auditor logs a failed write; the refusal stands either way). */
async function auditFailure(
  r: Request,
  login: string,
  method: ReviewerLoginMethod,
  reason: ReviewerLoginFailureReason,
): Promise<void> {
  const { event, actor } = reviewerLoginFailureEvent({
    login,
    method,
    reason,
    remoteAddr: remoteAddrOf(r),
  });
  await r.deps.auditor.record(event, actor);
}

/** Logs in and goes back to the page that was asked for (`next`: same-site paths only). */
async function startSession(
  r: Request,
  reviewer: Reviewer,
  method: ReviewerLoginMethod,
  next: string | null,
): Promise<void> {
  const cookie = await r.deps.sessions.start(r.req, reviewer, method, remoteAddrOf(r));
  r.deps.logger.info({ reviewer: reviewer.name, method }, 'reviewer logged in');
  redirect(r.res, afterLoginPath(next), cookie);
}

export async function loginPost(r: Request): Promise<void> {
  const form = await postedForm(r);
  if (form === null) return;
  const name = form.get('name') ?? '';
  const password = form.get('password') ?? '';
  const next = form.get('next') ?? null;
  const account = checkName('reviewer', name).ok ? name : null;
  const reservation = await r.deps.store.reviewerLogins.reserveAttempt(
    { source: loginSource(remoteAddrOf(r)), account },
    r.deps.clock.now(),
    LOGIN_THROTTLE,
  );
  if (!reservation.ok) {
    // Audited once per source and window: a flood of refused posts is not a flood of events.
    if (reservation.firstRefusal) {
      await auditFailure(r, name, 'password', `throttled.${reservation.scope}`);
    }
    r.deps.logger.warn({ scope: reservation.scope }, 'reviewer login throttled');
    sendHtml(
      r.req,
      r.res,
      429,
      loginPage({ error: 'Too many failed logins: try again later.', next }),
    );
    return;
  }
  const found = account === null ? null : await r.deps.store.reviewers.findByName(account);
  // Same work whether or not the name exists, so timing does not reveal reviewer names.
  const ok = await verifyPassword(password, found?.passwordHash ?? DUMMY_HASH);
  if (!ok || found === null || found.passwordHash === null) {
    const reason =
      found === null
        ? 'reviewer.unknown'
        : found.passwordHash === null
          ? 'password.none'
          : 'password.wrong';
    await auditFailure(r, name, 'password', reason);
    r.deps.logger.info({ reason }, 'reviewer login failed');
    sendHtml(r.req, r.res, 401, loginPage({ error: 'Wrong name or password.', next }));
    return;
  }
  if (found.reviewer.disabledAt !== null) {
    // Said only to whoever knows the password; the attempt keeps counting as a failure.
    await auditFailure(r, name, 'password', 'reviewer.disabled');
    r.deps.logger.info({ reason: 'reviewer.disabled' }, 'reviewer login failed');
    sendHtml(r.req, r.res, 403, loginPage({ error: 'This account is disabled.', next }));
    return;
  }
  await r.deps.store.reviewerLogins.releaseAttempt(reservation.id);
  await startSession(r, found.reviewer, 'password', next);
}

export function linkGet(r: Request): void {
  const token = r.url.searchParams.get('token') ?? '';
  if (!isLoginTokenShape(token)) {
    sendHtml(r.req, r.res, 401, loginPage({ error: 'That login link is not valid.' }));
    return;
  }
  sendHtml(r.req, r.res, 200, linkPage(token, r.url.searchParams.get('next')));
}

/**
 * Links are not throttled (a token cannot be guessed; a valid link works from any source, so an
 * admin can always let a reviewer in), but a bad one counts as a failure of its source, which
 * bounds the failure events one source can write.
 */
export async function linkPost(r: Request): Promise<void> {
  const form = await postedForm(r);
  if (form === null) return;
  const token = form.get('token') ?? '';
  const reviewer = isLoginTokenShape(token)
    ? await r.deps.store.reviewers.useLoginToken(tokenSha256(token), r.deps.clock.now())
    : null;
  if (reviewer === null) {
    const counted = await r.deps.store.reviewerLogins.reserveAttempt(
      { source: loginSource(remoteAddrOf(r)), account: null },
      r.deps.clock.now(),
      LOGIN_THROTTLE,
    );
    if (counted.ok) await auditFailure(r, '', 'link', 'link.invalid');
    else if (counted.firstRefusal) await auditFailure(r, '', 'link', 'throttled.source');
    r.deps.logger.info('one-time login link refused');
    sendHtml(
      r.req,
      r.res,
      401,
      loginPage({ error: 'That login link is not valid: it is unknown, used or expired.' }),
    );
    return;
  }
  await startSession(r, reviewer, 'link', form.get('next') ?? null);
}

/** Ending a live session is a change like any other: it needs the session's form token. */
export async function logoutPost(r: Request): Promise<void> {
  if ((await r.deps.sessions.current(r.req)) !== null) {
    if ((await sessionForm(r)) === null) return;
  } else if (!isSameOrigin(r)) {
    // No live session, nothing to end: the cookie is cleared, for this origin only.
    sendText(r.req, r.res, 403, 'forbidden: cross-origin request');
    return;
  }
  redirect(r.res, '/login', await r.deps.sessions.end(r.req));
}
