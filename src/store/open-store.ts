/** The store's only entry point for other layers: open (and migrate) a SQLite file. */
import { chmod, mkdir, open, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ChangeBus } from '../core/change-signals.js';
import { systemClock, type Clock } from '../core/clock.js';
import type { Store } from '../core/ports.js';
import { SqliteAuditRepository } from './audit-repository.js';
import { SqliteCheckpointRepository } from './checkpoints-repository.js';
import type { StoreContext } from './context.js';
import { Database } from './database.js';
import { SqliteGrantRepository } from './grants-repository.js';
import { migrate } from './migrate.js';
import { SqliteNdaRepository } from './ndas-repository.js';
import { SqliteNotificationRepository } from './notifications-repository.js';
import { SqliteRequestRepository } from './requests-repository.js';
import { SqliteReviewerLoginRepository } from './reviewer-logins-repository.js';
import { SqliteTransferLogRepository } from './session-transfers.js';
import { SqliteRecordingRetentionRepository } from './recording-retention-repository.js';
import { SqliteRecordingTextRepository } from './recording-text-repository.js';
import { SqliteReviewerRepository } from './reviewers-repository.js';
import { SqliteSessionRepository } from './sessions-repository.js';
import { toGatehouseError } from './sqlite-errors.js';
import { SqliteTargetRepository } from './targets-repository.js';
import { Transactions, withBusyRetry } from './transaction.js';
import { SqliteUserRepository } from './users-repository.js';
import { nameWriterNode } from './writer-node.js';

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
 * Opens the database at `path` (creating it and its folder when missing), applies pending
 * migrations, and returns the repositories. Faults become GatehouseError('storage', …).
 */
export async function openStore(path: string, options: OpenStoreOptions = {}): Promise<Store> {
  const clock = options.clock ?? systemClock;
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
  const ctx: StoreContext = { tx, clock, changes };
  return {
    users: new SqliteUserRepository(ctx),
    ndas: new SqliteNdaRepository(ctx),
    targets: new SqliteTargetRepository(ctx),
    grants: new SqliteGrantRepository(ctx),
    requests: new SqliteRequestRepository(ctx),
    sessions: new SqliteSessionRepository(ctx),
    audit: new SqliteAuditRepository(ctx),
    checkpoints: new SqliteCheckpointRepository(ctx),
    reviewers: new SqliteReviewerRepository(ctx),
    reviewerLogins: new SqliteReviewerLoginRepository(ctx),
    notifications: new SqliteNotificationRepository(ctx),
    recordingText: new SqliteRecordingTextRepository(ctx),
    transfers: new SqliteTransferLogRepository(ctx),
    changes,
    retention: new SqliteRecordingRetentionRepository(ctx),
    close: () => tx.close(),
  };
}
