/** Opening the PostgreSQL store: a pool, the migrations, the shared repositories. */
import pg from 'pg';
import type { Clock } from '../core/clock.js';
import type { Store } from '../core/ports.js';
import { describeUrl, pgToGatehouseError } from './pg-errors.js';
import { PgChangeFeed } from './pg-change-feed.js';
import { migratePg } from './pg-migrate.js';
import { PgTransactions } from './pg-transactions.js';
import { storeRepositories } from './repositories.js';
import { storeTypes } from './pg-types.js';

export const isPostgresUrl = (location: string): boolean => /^postgres(ql)?:\/\//i.test(location);

/** Connections per process: writes hold one each while they wait for the write lock. */
const POOL_SIZE = 8;
/** A database that does not answer fails the open (or the statement) instead of hanging. */
const CONNECT_TIMEOUT_MS = 10_000;

export function newPool(url: string): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    types: storeTypes,
    max: POOL_SIZE,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    application_name: 'gatehouse',
  });
  // An idle client's error (the server restarted) is also reported to its next query.
  pool.on('error', () => undefined);
  return pool;
}

export async function openPostgresStore(url: string, clock: Clock, node?: string): Promise<Store> {
  const where = describeUrl(url);
  const pool = newPool(url);
  const feed = new PgChangeFeed(url);
  try {
    await migratePg(pool, where, clock.now());
    await feed.start();
  } catch (err) {
    await feed.close();
    await pool.end().catch(() => undefined);
    throw pgToGatehouseError(err, where);
  }
  const tx = new PgTransactions(pool, where, node);
  const changes = feed.bus;
  return {
    ...storeRepositories({ tx, clock, changes }),
    changes,
    close: async () => {
      await feed.close();
      await tx.close();
    },
  };
}
