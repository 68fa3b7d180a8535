/**
 * PostgreSQL's side of ChangeSignals (issue 17): one connection LISTENs on the change channel
 * (change-announce.ts) and publishes what every node announces, this one's too, after its commit.
 * A lost connection is opened again after a pause; meanwhile the grant watcher's periodic
 * re-check still ends what a missed change would have.
 */
import pg from 'pg';
import { ChangeBus, type Change } from '../core/change-signals.js';
import type { SessionId } from '../core/model.js';
import { CHANGE_CHANNEL } from './change-announce.js';

const RECONNECT_MS = 1000;

/** A change as announced; null for anything else (a notification is text any client may send). */
export function parseChange(text: string | undefined): Change | null {
  if (text === undefined || text.length > 200) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const { kind, id } = value as { kind?: unknown; id?: unknown };
  if ((kind === 'grant' || kind === 'nda' || kind === 'user') && Number.isSafeInteger(id))
    return { kind, id: id as number };
  if (kind === 'session' && typeof id === 'string' && /^[0-9a-f-]{36}$/.test(id))
    return { kind, id: id as SessionId };
  return null;
}

export class PgChangeFeed {
  readonly bus = new ChangeBus(true);
  #client: pg.Client | null = null;
  #closed = false;
  #retry: NodeJS.Timeout | null = null;

  constructor(private readonly url: string) {}

  /** Resolves once the first LISTEN is in place (so a change committed after it is heard). */
  async start(): Promise<void> {
    await this.#connect();
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#retry !== null) clearTimeout(this.#retry);
    await this.#client?.end().catch(() => undefined);
    this.#client = null;
  }

  async #connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, application_name: 'gatehouse' });
    const lost = (): void => {
      if (this.#client !== client) return;
      this.#client = null;
      void client.end().catch(() => undefined);
      if (!this.#closed) this.#later();
    };
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', (n) => {
      if (n.channel !== CHANGE_CHANNEL) return;
      const change = parseChange(n.payload);
      if (change !== null) this.bus.publish(change);
    });
    await client.connect();
    await client.query(`LISTEN ${CHANGE_CHANNEL}`);
    if (this.#closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.#client = client;
  }

  #later(): void {
    this.#retry = setTimeout(() => {
      this.#retry = null;
      this.#connect().catch(() => {
        if (!this.#closed) this.#later();
      });
    }, RECONNECT_MS);
    this.#retry.unref();
  }
}
