/**
 * One attempt to deliver one queued message: a POST with a timeout, no redirects, the response
 * body never read. Resolves with null when the receiver took it (any 2xx), else with the problem
 * as one short line that never holds the URL's secrets.
 */
import type { Notification, NotifyWebhook } from '../core/notification.js';
import { withoutCredentials } from '../core/webhook-url.js';
import { signatureHeader } from './signature.js';

export interface PostOptions {
  readonly timeoutMs: number;
  /** Aborted when serve stops. */
  readonly signal: AbortSignal;
  /** Unix seconds, signed with the body. */
  readonly timestamp: number;
}

function problemOf(e: unknown, timedOut: boolean, stopped: boolean): string {
  if (stopped) return 'gatehouse stopped before it was delivered';
  if (timedOut) return 'no answer within the timeout';
  const code = (e as { cause?: { code?: unknown } }).cause?.code;
  return typeof code === 'string' && /^[A-Z_]{1,40}$/.test(code) ? code : 'request failed';
}

export async function postNotification(
  hook: Pick<NotifyWebhook, 'url' | 'secret'>,
  message: Notification,
  options: PostOptions,
): Promise<string | null> {
  const { target, auth } = withoutCredentials(hook.url);
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'gatehouse-notify',
    'x-gatehouse-event': message.event,
    'x-gatehouse-delivery': message.deliveryId,
    'x-gatehouse-timestamp': String(options.timestamp),
    ...auth,
  };
  if (hook.secret !== null)
    headers['x-gatehouse-signature'] = signatureHeader(
      hook.secret,
      options.timestamp,
      message.body,
    );
  try {
    const res = await fetch(target, {
      method: 'POST',
      headers,
      body: message.body,
      redirect: 'error',
      signal: AbortSignal.any([options.signal, timeout]),
    });
    await res.body?.cancel().catch(() => undefined);
    return res.status >= 200 && res.status <= 299 ? null : `HTTP ${res.status}`;
  } catch (e) {
    return problemOf(e, timeout.aborted, options.signal.aborted);
  }
}
