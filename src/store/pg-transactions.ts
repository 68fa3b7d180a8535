/**
 * Serialised writes on a PostgreSQL pool. A write transaction is one pool client: BEGIN, then a
 * transaction-level advisory lock, the caller's statements, COMMIT. The one lock serialises every
 * write across processes and nodes, as SQLite's BEGIN IMMEDIATE does, so each read-modify-write in
 * the repositories (the audit chain's next seq and hash, a grant's transfer budget, a request's
 * approvals) reads, under READ COMMITTED, everything committed before it and holds until COMMIT.
 * Reads run on the pool, each statement on its own.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { GatehouseError } from '../core/errors.js';
import { PgConnection } from './pg-connection.js';
import { isRetryable, pgToGatehouseError } from './pg-errors.js';
import type { SqlConnection, StoreTransactions } from './sql-connection.js';
import { nameWriterNode } from './writer-node.js';
import { BUSY_RETRY_MS } from './transaction.js';

/** The advisory lock key of gatehouse's writes ('gate' in ASCII); any constant all nodes share. */
export const WRITE_LOCK_KEY = 0x67617465;
/** Begins a write transaction holding the write lock until COMMIT or ROLLBACK. */
export const BEGIN_LOCKED = `BEGIN; SELECT pg_advisory_xact_lock(${WRITE_LOCK_KEY})`;

export class PgTransactions implements StoreTransactions {
  private readonly inFlight = new Set<Promise<unknown>>();
  private closed = false;

  constructor(
    private readonly pool: pg.Pool,
    /** How the database is named in errors (no password). */
    readonly where: string,
    /** Config `node.name`: what the events and sessions this process writes name. */
    private readonly node?: string,
  ) {}

  write<T>(fn: (db: SqlConnection) => Promise<T>): Promise<T> {
    return this.track(() => this.retrying(() => this.writeOnce(fn)));
  }

  read<T>(fn: (db: SqlConnection) => Promise<T>): Promise<T> {
    return this.track(() => this.retrying(() => fn(new PgConnection(this.pool))));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.inFlight]);
    await this.pool.end();
  }

  private async writeOnce<T>(fn: (db: SqlConnection) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken = false;
    try {
      // One round trip for both (a simple query may hold several statements; the key is ours).
      await client.query(BEGIN_LOCKED);
      const connection = new PgConnection(client);
      if (this.node !== undefined) nameWriterNode(connection, this.node);
      const result = await fn(connection);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {
        broken = true; // the connection is gone: do not give it back to the pool
      });
      throw err;
    } finally {
      client.release(broken);
    }
  }

  /** Runs `fn` again on a serialization failure or deadlock, up to BUSY_RETRY_MS. */
  private async retrying<T>(fn: () => Promise<T>): Promise<T> {
    const deadline = performance.now() + BUSY_RETRY_MS;
    let delay = 10;
    for (;;) {
      try {
        return await fn();
      } catch (err) {
        if (!isRetryable(err) || performance.now() + delay > deadline) {
          throw pgToGatehouseError(err, this.where);
        }
        await sleep(delay + Math.floor(Math.random() * delay));
        delay = Math.min(delay * 2, 500);
      }
    }
  }

  private track<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closed) {
      return Promise.reject(new GatehouseError('storage', `database: ${this.where}: closed`));
    }
    const running = fn();
    this.inFlight.add(running);
    const forget = (): void => {
      this.inFlight.delete(running);
    };
    running.then(forget, forget);
    return running;
  }
}
