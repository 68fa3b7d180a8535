/**
 * GET /metrics: Prometheus text format. The counters hold no secrets but describe the bastion's
 * traffic, so they are not public: a client on the loopback interface (a local Prometheus or
 * agent) reads them without logging in; anyone else needs a login with the reviewer role (else
 * 401, or 403 for an approver-only account). Behind a listed reverse proxy on the host, the
 * client is the one it forwards (client-address.ts), not the loopback peer.
 */
import type { IncomingMessage } from 'node:http';
import { hasRole } from '../core/reviewer.js';
import { clientAddress } from './client-address.js';
import type { Request } from './context.js';
import { sendText } from './respond.js';

const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export function isLoopbackClient(
  req: IncomingMessage,
  trustedProxies: ReadonlySet<string> = new Set(),
): boolean {
  const addr = clientAddress(req, trustedProxies);
  return addr.startsWith('127.') || addr === '::1';
}

export async function metricsRoute(r: Request): Promise<void> {
  const metrics = r.deps.metrics;
  if (metrics === null) return sendText(r.req, r.res, 404, 'not found');
  const method = r.req.method;
  if (method !== 'GET' && method !== 'HEAD') {
    r.res.setHeader('Allow', 'GET, HEAD');
    return sendText(r.req, r.res, 405, 'method not allowed');
  }
  if (!isLoopbackClient(r.req, r.deps.trustedProxies)) {
    const account = await r.deps.sessions.current(r.req);
    if (account === null) {
      return sendText(
        r.req,
        r.res,
        401,
        'unauthorized: /metrics is served to loopback clients and logged-in reviewers',
      );
    }
    if (!hasRole(account, 'reviewer')) {
      return sendText(r.req, r.res, 403, 'forbidden: /metrics needs the reviewer role');
    }
  }
  const body = Buffer.from(metrics.render(), 'utf8');
  r.res.writeHead(200, {
    'Content-Type': CONTENT_TYPE,
    'Content-Length': String(body.length),
    'Cache-Control': 'no-store',
  });
  r.res.end(method === 'HEAD' ? undefined : body);
}
