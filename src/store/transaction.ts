/**
 * Serialised access to the one sqlite3 connection. Within the process an async mutex keeps
 * transactions from interleaving (they share the connection); across processes BEGIN IMMEDIATE,
 * busy_timeout and a retry loop with backoff keep SQLITE_BUSY from reaching the user.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Database } from './database.js';
import type { StoreTransactions } from './sql-connection.js';
import { isBusy, toGatehouseError } from './sqlite-errors.js';

/** How long a write keeps retrying a busy database before giving up. */
export const BUSY_RETRY_MS = 10_000;

export class Mutex {
  private tail: Promise<void> = Promise.resolve();

  async run<T>(fn: () => Promise<T>): Promise<T> {
    const previous = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((resolve) => {
      release = resolve;
    });
    await previous;
    try {
      return await fn();
    } finally {
      release();
    }
  }
}

/** Retries `fn` while it fails with SQLITE_BUSY, up to `BUSY_RETRY_MS` (real time, not the Clock). */
export async function withBusyRetry<T>(fn: () => Promise<T>): Promise<T> {
  const deadline = performance.now() + BUSY_RETRY_MS;
  let delay = 10;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (!isBusy(err) || performance.now() + delay > deadline) throw err;
      await sleep(delay + Math.floor(Math.random() * delay));
      delay = Math.min(delay * 2, 500);
    }
  }
}

export class Transactions implements StoreTransactions {
  private readonly mutex = new Mutex();
  private closed = false;

  constructor(private readonly db: Database) {}

  /**
   * Runs `fn` in one BEGIN IMMEDIATE transaction. Any error rolls everything back and is
   * rethrown as a GatehouseError; a busy database is retried from the start.
   */
  write<T>(fn: (db: Database) => Promise<T>): Promise<T> {
    return this.mutex.run(async () => {
      try {
        return await withBusyRetry(async () => {
          await this.db.run('BEGIN IMMEDIATE');
          try {
            const result = await fn(this.db);
            await this.db.run('COMMIT');
            return result;
          } catch (err) {
            await this.rollbackQuietly();
            throw err;
          }
        });
      } catch (err) {
        throw toGatehouseError(err, this.db.path);
      }
    });
  }

  /** Runs reads on the connection, never in the middle of another caller's transaction. */
  read<T>(fn: (db: Database) => Promise<T>): Promise<T> {
    return this.mutex.run(async () => {
      try {
        return await withBusyRetry(() => fn(this.db));
      } catch (err) {
        throw toGatehouseError(err, this.db.path);
      }
    });
  }

  /** Closes the connection after the transactions already queued have finished. */
  close(): Promise<void> {
    return this.mutex.run(async () => {
      if (this.closed) return;
      this.closed = true;
      await this.db.close();
    });
  }

  private async rollbackQuietly(): Promise<void> {
    try {
      await this.db.run('ROLLBACK');
    } catch {
      // SQLite may already have rolled back (e.g. after SQLITE_FULL); nothing left to undo.
    }
  }
}
