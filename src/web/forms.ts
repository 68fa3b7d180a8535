/**
 * Reading posted forms. Every post must come from this origin (auth.ts isSameOriginPost); a post
 * of a logged-in account must also carry its session's form token (csrf.ts). A refused post is
 * answered here and changes nothing.
 */
import type { IncomingMessage } from 'node:http';
import { isSameOriginPost } from './auth.js';
import type { Request } from './context.js';
import { CSRF_FIELD } from './csrf.js';
import { sendText } from './respond.js';
import { isFormTokenOf } from './reviewer-sessions.js';

/** Anyone's form (a login): small. */
const PUBLIC_FORM_BYTES = 8 * 1024;
/** A logged-in account's form: a decision's note and checklist confirmations, 500 characters each. */
const SESSION_FORM_BYTES = 64 * 1024;

/** The url-encoded form of a POST, or null when it is not one or is larger than `max` bytes. */
async function readForm(req: IncomingMessage, max: number): Promise<URLSearchParams | null> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') return null;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > max) return null;
    chunks.push(buf);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

export const isSameOrigin = (r: Request): boolean => isSameOriginPost(r.req, r.deps.publicOrigin);

/** Checks origin and reads the form; answers the request itself and returns null when refused. */
export async function postedForm(
  r: Request,
  maxBytes = PUBLIC_FORM_BYTES,
): Promise<URLSearchParams | null> {
  if (!isSameOrigin(r)) {
    sendText(r.req, r.res, 403, 'forbidden: cross-origin request');
    return null;
  }
  const form = await readForm(r.req, maxBytes);
  if (form === null) sendText(r.req, r.res, 400, 'bad request: expected a small url-encoded form');
  return form;
}

/** postedForm, and the form must carry the session's form token. */
export async function sessionForm(r: Request): Promise<URLSearchParams | null> {
  const form = await postedForm(r, SESSION_FORM_BYTES);
  if (form === null) return null;
  if (!isFormTokenOf(r.req, form.get(CSRF_FIELD))) {
    sendText(r.req, r.res, 403, 'forbidden: the form token is missing or wrong; reload the page');
    return null;
  }
  return form;
}
