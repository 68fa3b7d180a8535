/**
 * The address of the client behind a request: the TCP peer, unless the peer is a reverse proxy
 * the operator listed in web.trustedProxies, whose X-Forwarded-For names the client. Only the
 * hops appended by trusted proxies are believed: the header is read from the right, skipping
 * trusted addresses, and the first other address is the client. Anything else in the header was
 * written by the client itself and is ignored, so a client cannot pick its own throttle bucket.
 */
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

const unmapped = (addr: string): string => addr.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');

export function clientAddress(req: IncomingMessage, trustedProxies: ReadonlySet<string>): string {
  const peer = unmapped(req.socket.remoteAddress ?? 'unknown');
  const forwarded = req.headers['x-forwarded-for'];
  if (!trustedProxies.has(peer) || typeof forwarded !== 'string') return peer;
  const hops = forwarded.split(',').map((hop) => unmapped(hop.trim()));
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i] ?? '';
    if (trustedProxies.has(hop)) continue;
    // A proxy that wrote something other than an address: count the request against the proxy.
    return isIP(hop) === 0 ? peer : hop;
  }
  return peer;
}
