/**
 * Applies pending PostgreSQL migrations at open, all in one transaction under the write lock, so
 * two nodes starting at once apply them once: the second waits, then finds them applied.
 */
import type pg from 'pg';
import { GatehouseError } from '../core/errors.js';
import type { Migration } from './migrations.js';
import { PG_MIGRATIONS } from './pg-migrations.js';
import { BEGIN_LOCKED } from './pg-transactions.js';

const TRACKING = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version BIGINT PRIMARY KEY,
  applied_at BIGINT NOT NULL
)`;

/** The highest applied version, 0 for an empty database (no tracking table yet). */
export async function pgSchemaVersion(db: pg.Pool | pg.PoolClient): Promise<number> {
  const exists = await db.query<{ t: string | null }>(
    "SELECT to_regclass('schema_migrations')::text AS t",
  );
  if (exists.rows[0]?.t == null) return 0;
  const r = await db.query<{ v: number | null }>('SELECT MAX(version) AS v FROM schema_migrations');
  return r.rows[0]?.v ?? 0;
}

/** Returns the schema version after migrating; `where` names the database in errors. */
export async function migratePg(
  pool: pg.Pool,
  where: string,
  now: number,
  migrations: readonly Migration[] = PG_MIGRATIONS,
): Promise<number> {
  const latest = Math.max(0, ...migrations.map((m) => m.version));
  // Up to date: no lock taken (every CLI command opens the store).
  if ((await pgSchemaVersion(pool)) === latest) return latest;
  const client = await pool.connect();
  try {
    await client.query(BEGIN_LOCKED);
    await client.query(TRACKING);
    const current = await pgSchemaVersion(client);
    if (current > latest) {
      throw new GatehouseError(
        'storage',
        `database: ${where}: schema version ${current} is newer than this gatehouse (${latest})`,
      );
    }
    const pending = [...migrations]
      .filter((m) => m.version > current)
      .sort((a, b) => a.version - b.version);
    for (const m of pending) {
      await client.query(m.sql);
      await client.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [
        m.version,
        now,
      ]);
    }
    await client.query('COMMIT');
    return pending.at(-1)?.version ?? current;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
