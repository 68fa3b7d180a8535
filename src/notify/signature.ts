/**
 * The signature of a webhook message (docs/notifications.md): `X-Gatehouse-Signature:
 * sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`, the timestamp being the
 * `X-Gatehouse-Timestamp` header (Unix seconds), so a receiver can refuse an old message replayed.
 */
import { createHash, createHmac } from 'node:crypto';

export function signatureHeader(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * Which configured webhook an outbox row is for: a hash of its format and URL (the URL may hold a
 * token, so it is not stored). A webhook whose URL or format changes is another webhook.
 */
export function webhookKey(hook: { readonly format: string; readonly url: string }): string {
  return createHash('sha256').update(`${hook.format} ${hook.url}`).digest('hex').slice(0, 32);
}
