import type { RequestId, SessionId } from './model.js';

/**
 * Addresses on the review page, for a notification or a page's own permalink: under
 * `web.publicUrl` (an origin, no trailing slash); null without one.
 */
export const requestPageUrl = (publicUrl: string | null, id: RequestId): string | null =>
  publicUrl === null ? null : `${publicUrl}/requests/${id}`;

export const sessionPageUrl = (publicUrl: string | null, id: SessionId): string | null =>
  publicUrl === null ? null : `${publicUrl}/sessions/${id}`;

/** A listen address as a link host: a wildcard bind is reached on loopback; IPv6 in brackets. */
function linkHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * The origin every link the bastion prints starts with: `web.publicUrl` when set (the page as its
 * readers reach it, e.g. behind a proxy), else the address the page listens on.
 */
export const reviewPageOrigin = (
  publicUrl: string | null,
  listen: { readonly host: string; readonly port: number },
): string => publicUrl ?? `http://${linkHost(listen.host)}:${listen.port}`;

/** A one-time login link (`gatehouse reviewer link`, the demo's instructions). */
export const loginLinkUrl = (origin: string, token: string): string =>
  `${origin}/login/link?token=${token}`;
