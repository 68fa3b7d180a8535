/** The review web page's HTTP server (node:http), started by main.ts when web.listen is set. */
import type { KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { Auditor } from '../core/auditor.js';
import type { Clock } from '../core/clock.js';
import type { Store } from '../core/ports.js';
import type { ReviewerSessionTimeouts } from '../core/reviewer-login.js';
import type { Logger } from '../logging/logger.js';
import type { RecordingStore } from '../recording/recording-store.js';
import { loadAssets } from './assets.js';
import type { MetricsSource, RequestRules, WebDeps } from './context.js';
import { sendText, setSecurityHeaders } from './respond.js';
import { LiveWatchers } from './live-watchers.js';
import { ReviewerSessions } from './reviewer-sessions.js';
import { route } from './router.js';

export interface WebServerOptions {
  readonly listen: { readonly host: string; readonly port: number };
  readonly store: Store;
  /** The service's Auditor (main.ts): its listeners, the metrics, hear the page's events too. */
  readonly auditor: Auditor;
  readonly recordingsDir: string;
  /** Where sealed recordings are read (absent: the local store, `recordingsDir`). */
  readonly recordings?: RecordingStore;
  /** The keyring's public keys (current and retired host keys): check the signed manifests. */
  readonly manifestKeys: readonly KeyObject[];
  readonly clock: Clock;
  readonly logger: Logger;
  /** web.publicUrl: the origin readers reach the page at (https: Secure cookies), or null. */
  readonly publicUrl: string | null;
  /** web.trustedProxies: peers whose X-Forwarded-For names the client (web/client-address.ts). */
  readonly trustedProxies: readonly string[];
  /** web.sessionIdleTimeout and web.sessionMaxAge. */
  readonly sessionTimeouts: ReviewerSessionTimeouts;
  /** Served at /metrics (loopback clients, or a logged-in reviewer). */
  readonly metrics?: MetricsSource;
  /** The current request rules, for approvals and denials on the page. */
  readonly requestRules: () => RequestRules;
}

export interface WebServer {
  readonly host: string;
  readonly port: number;
  /** Stops accepting, ends idle keep-alive connections, resolves when all are closed. */
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
const WILDCARD = new Set(['0.0.0.0', '::', '']);

/**
 * Host header names this server answers to (DNS rebinding: a page on another name resolving to
 * us must not get answers). null: bound to every address, names unknown, no check.
 */
function allowedHosts(
  host: string,
  port: number,
  publicUrl: string | null,
): ReadonlySet<string> | null {
  if (WILDCARD.has(host)) return null;
  const names =
    LOOPBACK.has(host) || host.startsWith('127.') ? ['127.0.0.1', 'localhost', '[::1]'] : [];
  names.push(host.includes(':') ? `[${host}]` : host);
  const allowed = new Set(names.map((n) => `${n}:${port}`));
  // Behind a proxy that passes the Host header on, requests name the public host.
  if (publicUrl !== null) allowed.add(new URL(publicUrl).host);
  return allowed;
}

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const logger = options.logger.child({ component: 'web' });
  const deps: WebDeps = {
    store: options.store,
    auditor: options.auditor,
    recordingsDir: resolve(options.recordingsDir),
    ...(options.recordings === undefined ? {} : { recordings: options.recordings }),
    manifestKeys: options.manifestKeys,
    clock: options.clock,
    logger,
    sessions: new ReviewerSessions(options.store, options.clock, {
      timeouts: options.sessionTimeouts,
      secureCookie: options.publicUrl?.startsWith('https://') === true,
    }),
    publicOrigin: options.publicUrl === null ? null : new URL(options.publicUrl).origin,
    trustedProxies: new Set(options.trustedProxies),
    assets: await loadAssets(),
    metrics: options.metrics ?? null,
    requestRules: options.requestRules,
    liveWatchers: new LiveWatchers(),
  };
  let hosts: ReadonlySet<string> | null = null;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    setSecurityHeaders(res);
    const host = req.headers.host ?? '';
    if (hosts !== null && !hosts.has(host.toLowerCase())) {
      sendText(req, res, 421, 'misdirected request');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://review.invalid');
    await route({ req, res, url, deps });
  };

  const server = createServer({ requestTimeout: 30_000, headersTimeout: 10_000 }, (req, res) => {
    handle(req, res).catch((err: unknown) => {
      logger.error({ err, method: req.method, path: req.url?.split('?')[0] }, 'web request failed');
      if (!res.headersSent) sendText(req, res, 500, 'internal error');
      else res.destroy();
    });
  });
  server.on('clientError', (_err, socket) => {
    socket.destroy();
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.listen.port, options.listen.host, () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  server.on('error', (err) => logger.error({ err }, 'web server error'));
  const address = server.address() as AddressInfo;
  hosts = allowedHosts(options.listen.host, address.port, options.publicUrl);
  logger.info({ host: options.listen.host, port: address.port }, 'review web page listening');
  let closing: Promise<void> | null = null;
  return {
    host: options.listen.host,
    port: address.port,
    close: () => {
      closing ??= new Promise<void>((done) => {
        server.close(() => done());
        deps.liveWatchers.close();
        server.closeIdleConnections();
        // A download still running after a grace period is cut off rather than hold up shutdown.
        setTimeout(() => server.closeAllConnections(), 5000).unref();
      });
      return closing;
    },
  };
}
