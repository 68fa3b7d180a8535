/**
 * The body POSTed to a webhook for one event, in its format. Slack: `{"text": …}`, the human line
 * and a link to the review page. JSON: the event itself (`{id, event, seq, ts, actor, payload,
 * link}`). Rendered once, when the event is queued, so every retry sends the same bytes.
 */
import type { NotifiedEvent, NotifiableEvent, NotifyFormat, EventSubject } from './notification.js';
import { notificationLine } from './notification-text.js';
import { requestPageUrl, sessionPageUrl } from './review-links.js';
import { formatTimestamp } from './timestamp.js';

/** No body is larger; a JSON event that would be is sent without its payload (`truncated`). */
export const MAX_BODY_BYTES = 64 * 1024;

const byteLength = (text: string): number => new TextEncoder().encode(text).length;

/**
 * The review page's view of what the event is about: the request (request events, and grant
 * events of a grant made from a request) or the session (session.kill, session.flagged); null
 * without a public URL.
 */
export function notificationLink(
  publicUrl: string | null,
  type: NotifiableEvent,
  subject: EventSubject,
): string | null {
  if (type === 'session.kill' || type === 'session.flagged')
    return subject.sessionId === null ? null : sessionPageUrl(publicUrl, subject.sessionId);
  return subject.requestId === null ? null : requestPageUrl(publicUrl, subject.requestId);
}

export interface MessageOptions {
  readonly format: NotifyFormat;
  readonly deliveryId: string;
  /** `web.publicUrl` (no trailing slash), or null. */
  readonly publicUrl: string | null;
}

export function notificationBody(
  type: NotifiableEvent,
  { record, subject }: NotifiedEvent,
  options: MessageOptions,
): string {
  const link = notificationLink(options.publicUrl, type, subject);
  if (options.format === 'slack') {
    const line = notificationLine(type, record, subject);
    const label = type.startsWith('session.') ? 'open the session' : 'open the request';
    return JSON.stringify({ text: link === null ? line : `${line} <${link}|${label}>` });
  }
  const message = {
    id: options.deliveryId,
    event: type,
    seq: record.seq,
    ts: formatTimestamp(record.ts),
    actor: record.actor,
    payload: record.payload as unknown,
    link,
  };
  const body = JSON.stringify(message);
  if (byteLength(body) <= MAX_BODY_BYTES) return body;
  return JSON.stringify({ ...message, payload: null, truncated: true });
}
