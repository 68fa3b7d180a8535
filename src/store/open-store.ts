/**
 * The store's only entry point for other layers: open (and migrate) a SQLite file, or a
 * PostgreSQL database when given a `postgres://` URL (config `database.url`).
 */
import { chmod, mkdir, open, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ChangeBus } from '../core/change-signals.js';
import { systemClock, type Clock } from '../core/clock.js';
import type { Store } from '../core/ports.js';
import { Database } from './database.js';
import { migrate } from './migrate.js';
import { isPostgresUrl, openPostgresStore } from './open-postgres.js';
import { describeUrl } from './pg-errors.js';
import { storeRepositories } from './repositories.js';
import { toGatehouseError } from './sqlite-errors.js';
import { Transactions, withBusyRetry } from './transaction.js';
import { nameWriterNode } from './writer-node.js';

/** Where config `database` points: its url (PostgreSQL) when set, else its SQLite path. */
export const storeLocation = (database: {
  readonly path: string;
  readonly url?: string | undefined;
}): string => database.url ?? database.path;

/** The location as shown in messages and logs: a URL without its user or password. */
export const describeLocation = (location: string): string =>
  isPostgresUrl(location) ? describeUrl(location) : location;

export interface OpenStoreOptions {
  readonly clock?: Clock;
  /** Config `node.name`: the node its audit events and sessions name; none when absent. */
  readonly node?: string;
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
 * The database holds every user, grant and audit event: only gatehouse's account may read it,
 * whatever the umask. A new file is created 0600 before SQLite opens it, so it is never readable
 * by others even for a moment; SQLite gives its `-wal` and `-shm` the database file's mode. After
 * opening, any of the three left wider (a database an older version created) is set to 0600.
 */
async function createPrivateFile(path: string): Promise<void> {
  await mkdir(dirname(resolve(path)), { recursive: true, mode: 0o700 });
  const fh = await open(path, 'wx', 0o600).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'EEXIST') return null;
    throw e;
  });
  await fh?.close();
}

async function restrictModes(path: string): Promise<void> {
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    const mode = await stat(file).then(
      (s) => s.mode & 0o777,
      () => null,
    );
    if (mode !== null && mode !== 0o600) await chmod(file, 0o600);
  }
}

/**
 * Opens the database at `location` (a SQLite path, created with its folder when missing, or a
 * PostgreSQL URL), applies pending migrations, and returns the repositories. Faults become
 * GatehouseError('storage', …).
 */
export async function openStore(location: string, options: OpenStoreOptions = {}): Promise<Store> {
  const clock = options.clock ?? systemClock;
  if (isPostgresUrl(location)) return openPostgresStore(location, clock, options.node);
  const path = location;
  let db: Database | undefined;
  try {
    await createPrivateFile(path);
    db = await Database.open(path);
    await configure(db);
    await restrictModes(path);
    if (options.node !== undefined) nameWriterNode(db, options.node);
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
  const changes = new ChangeBus();
  return { ...storeRepositories({ tx, clock, changes }), changes, close: () => tx.close() };
}
