/** The store's only entry point for other layers: open (and migrate) a SQLite file. */
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { systemClock, type Clock } from '../core/clock.js';
import type { Store } from '../core/ports.js';
import { SqliteAuditRepository } from './audit-repository.js';
import { SqliteCheckpointRepository } from './checkpoints-repository.js';
import type { StoreContext } from './context.js';
import { Database } from './database.js';
import { SqliteGrantRepository } from './grants-repository.js';
import { migrate } from './migrate.js';
import { SqliteNdaRepository } from './ndas-repository.js';
import { SqliteReviewerRepository } from './reviewers-repository.js';
import { SqliteSessionRepository } from './sessions-repository.js';
import { toGatehouseError } from './sqlite-errors.js';
import { SqliteTargetRepository } from './targets-repository.js';
import { Transactions, withBusyRetry } from './transaction.js';
import { SqliteUserRepository } from './users-repository.js';

export interface OpenStoreOptions {
  readonly clock?: Clock;
}

const BUSY_TIMEOUT_MS = 5000;

async function configure(db: Database): Promise<void> {
  db.configureBusyTimeout(BUSY_TIMEOUT_MS);
  await db.run(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
  await db.run('PRAGMA foreign_keys = ON');
  // Switching to WAL needs a brief exclusive lock when another process is creating the file.
  const mode = await withBusyRetry(() =>
    db.get<{ journal_mode: string }>('PRAGMA journal_mode = WAL'),
  );
  if (mode?.journal_mode !== 'wal') throw new Error(`journal_mode is ${mode?.journal_mode ?? '?'}`);
  await db.run('PRAGMA synchronous = NORMAL');
}

/**
 * Opens the database at `path` (creating it and its folder when missing), applies pending
 * migrations, and returns the repositories. Faults become GatehouseError('storage', …).
 */
export async function openStore(path: string, options: OpenStoreOptions = {}): Promise<Store> {
  const clock = options.clock ?? systemClock;
  let db: Database | undefined;
  try {
    await mkdir(dirname(resolve(path)), { recursive: true });
    db = await Database.open(path);
    await configure(db);
  } catch (err) {
    await db?.close().catch(() => undefined);
    throw toGatehouseError(err, path);
  }
  const tx = new Transactions(db);
  try {
    await migrate(tx, db);
  } catch (err) {
    await tx.close().catch(() => undefined);
    throw toGatehouseError(err, path);
  }
  const ctx: StoreContext = { tx, clock };
  return {
    users: new SqliteUserRepository(ctx),
    ndas: new SqliteNdaRepository(ctx),
    targets: new SqliteTargetRepository(ctx),
    grants: new SqliteGrantRepository(ctx),
    sessions: new SqliteSessionRepository(ctx),
    audit: new SqliteAuditRepository(ctx),
    checkpoints: new SqliteCheckpointRepository(ctx),
    reviewers: new SqliteReviewerRepository(ctx),
    close: () => tx.close(),
  };
}
