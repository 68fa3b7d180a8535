/** A real local HTTP endpoint that records what it is POSTed; `answer` decides each response. */
import { once } from 'node:events';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  readonly headers: IncomingHttpHeaders;
  /** The body exactly as sent. */
  readonly body: string;
  /** The status it was answered with; null while held unanswered. */
  readonly status: number | null;
}

export interface Receiver {
  readonly url: string;
  /** Every request, in the order they arrived. */
  readonly requests: ReceivedRequest[];
  /** The parsed bodies of the requests answered 2xx. */
  readonly bodies: unknown[];
  /** The Authorization header of each request. */
  readonly auth: (string | undefined)[];
  /** Status per request (1, 2, …); default 200. null: never answer (held until close). */
  answer: (n: number) => number | null;
  /** Requests held unanswered now. */
  held(): number;
  close(): Promise<void>;
}

export async function startReceiver(path = '/'): Promise<Receiver> {
  const held = new Set<ServerResponse>();
  const requests: ReceivedRequest[] = [];
  const bodies: unknown[] = [];
  const auth: (string | undefined)[] = [];
  const r = { answer: (_n: number): number | null => 200 };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString('utf8')));
    req.on('end', () => {
      auth.push(req.headers.authorization);
      const status = r.answer(requests.length + 1);
      requests.push({ headers: req.headers, body, status });
      if (status === null) {
        held.add(res);
        res.on('close', () => held.delete(res));
        return;
      }
      if (status >= 200 && status < 300) bodies.push(JSON.parse(body));
      res.writeHead(status).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return Object.assign(r, {
    url: `http://127.0.0.1:${port}${path}`,
    requests,
    bodies,
    auth,
    held: () => held.size,
    close: async () => {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  });
}
