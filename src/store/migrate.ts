/** Applies pending migrations at open, all in one BEGIN IMMEDIATE transaction. */
import { GatehouseError } from '../core/errors.js';
import type { Database } from './database.js';
import { MIGRATIONS, SCHEMA_VERSION, type Migration } from './migrations.js';
import type { Transactions } from './transaction.js';

async function userVersion(db: Database): Promise<number> {
  const row = await db.get<{ user_version: number }>('PRAGMA user_version');
  return row?.user_version ?? 0;
}

/** Returns the schema version after migrating. */
export async function migrate(
  tx: Transactions,
  db: Database,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<number> {
  const latest =
    migrations === MIGRATIONS ? SCHEMA_VERSION : Math.max(0, ...migrations.map((m) => m.version));
  // Up to date: no write lock needed (lets several processes open at once without waiting).
  const seen = await tx.read(userVersion);
  if (seen === latest) return seen;
  return tx.write(async () => {
    // Re-read under the write lock: another process may have migrated meanwhile.
    const current = await userVersion(db);
    if (current > latest) {
      throw new GatehouseError(
        'storage',
        `database: ${db.path}: schema version ${current} is newer than this gatehouse (${latest})`,
      );
    }
    const pending = [...migrations]
      .filter((m) => m.version > current)
      .sort((a, b) => a.version - b.version);
    for (const m of pending) {
      await db.exec(m.sql);
      if (!Number.isSafeInteger(m.version) || m.version < 1)
        throw new Error('bad migration version');
      // PRAGMA takes no bound parameters; the value is a checked integer from this file's list.
      await db.run(`PRAGMA user_version = ${m.version}`);
    }
    return pending.at(-1)?.version ?? current;
  });
}
