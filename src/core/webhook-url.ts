/**
 * A webhook URL as gatehouse POSTs to it and as it may be shown. Shared by the checkpoint sink
 * and the notifications.
 */

/**
 * The URL without credentials, path or query: safe for logs and audit rows (a Slack webhook's
 * path is its secret).
 */
export const webhookOrigin = (url: string): string => new URL(url).origin;

const base64 = (text: string): string =>
  btoa(String.fromCharCode(...new TextEncoder().encode(text)));

/**
 * fetch refuses a URL with credentials: `https://user:token@host/…` becomes the URL without them
 * and a Basic authorization header.
 */
export function withoutCredentials(url: string): {
  readonly target: URL;
  readonly auth: { readonly authorization?: string };
} {
  const target = new URL(url);
  if (target.username === '' && target.password === '') return { target, auth: {} };
  const user = `${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}`;
  target.username = '';
  target.password = '';
  return { target, auth: { authorization: `Basic ${base64(user)}` } };
}
