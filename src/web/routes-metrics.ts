/**
 * GET /metrics: Prometheus text format. The counters hold no secrets but describe the bastion's
 * traffic, so they are not public: a client on the loopback interface (a local Prometheus or
 * agent) reads them without logging in; anyone else needs a reviewer login, else 401.
 */
import type { IncomingMessage } from 'node:http';
import type { Request } from './context.js';
import { sendText } from './respond.js';

const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export function isLoopbackClient(req: IncomingMessage): boolean {
  const addr = req.socket.remoteAddress ?? '';
  const v4 = addr.startsWith('::ffff:') ? addr.slice(7) : addr;
  return v4.startsWith('127.') || addr === '::1';
}

export async function metricsRoute(r: Request): Promise<void> {
  const metrics = r.deps.metrics;
  if (metrics === null) return sendText(r.req, r.res, 404, 'not found');
  const method = r.req.method;
  if (method !== 'GET' && method !== 'HEAD') {
    r.res.setHeader('Allow', 'GET, HEAD');
    return sendText(r.req, r.res, 405, 'method not allowed');
  }
  if (!isLoopbackClient(r.req) && (await r.deps.sessions.current(r.req)) === null) {
    return sendText(
      r.req,
      r.res,
      401,
      'unauthorized: /metrics is served to loopback clients and logged-in reviewers',
    );
  }
  const body = Buffer.from(metrics.render(), 'utf8');
  r.res.writeHead(200, {
    'Content-Type': CONTENT_TYPE,
    'Content-Length': String(body.length),
    'Cache-Control': 'no-store',
  });
  r.res.end(method === 'HEAD' ? undefined : body);
}
