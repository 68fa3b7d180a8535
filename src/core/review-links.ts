import type { RequestId, SessionId } from './model.js';

/**
 * Addresses on the review page, for a notification or a page's own permalink: under
 * `web.publicUrl` (an origin, no trailing slash); null without one.
 */
export const requestPageUrl = (publicUrl: string | null, id: RequestId): string | null =>
  publicUrl === null ? null : `${publicUrl}/requests/${id}`;

export const sessionPageUrl = (publicUrl: string | null, id: SessionId): string | null =>
  publicUrl === null ? null : `${publicUrl}/sessions/${id}`;
