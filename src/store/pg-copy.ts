/**
 * `gatehouse db copy --to postgres://…`: a SQLite database copied into an empty PostgreSQL one,
 * table by table in dependency order, in one transaction under the write lock; the audit chain is
 * walked again as PostgreSQL returns it before COMMIT, so a copy that does not verify is not kept.
 */
import { access } from 'node:fs/promises';
import { GatehouseError } from '../core/errors.js';
import { CHAIN_START, checkChain, type ChainCursor } from './audit-chain.js';
import { Database } from './database.js';
import { newPool } from './open-postgres.js';
import { PgConnection } from './pg-connection.js';
import { describeUrl, pgToGatehouseError } from './pg-errors.js';
import { migratePg } from './pg-migrate.js';
import { PG_SCHEMA_VERSION, SQLITE_EQUIVALENT } from './pg-migrations.js';
import { BEGIN_LOCKED } from './pg-transactions.js';
import type { AuditRow } from './rows.js';
import type { SqlConnection, SqlValue } from './sql-connection.js';

/** Every table, each after those it refers to (grants.request_id is deferred to COMMIT). */
const TABLES = [
  'users',
  'user_keys',
  'ndas',
  'targets',
  'grants',
  'requests',
  'request_approvals',
  'sessions',
  'audit_events',
  'audit_checkpoints',
  'reviewers',
  'reviewer_login_tokens',
  'reviewer_sessions',
  'reviewer_login_attempts',
  'notify_outbox',
  'recording_text',
  'recording_indexed',
  'session_transfers',
] as const;

/** Identity columns whose sequences must continue after the copied ids. */
const IDENTITIES: readonly (readonly [string, string])[] = [
  ...['users', 'user_keys', 'ndas', 'targets', 'grants', 'requests', 'audit_checkpoints'].map(
    (t) => [t, 'id'] as const,
  ),
  ...['reviewers', 'reviewer_login_attempts', 'notify_outbox', 'recording_text'].map(
    (t) => [t, 'id'] as const,
  ),
  ['sessions', 'row_order'],
];

/** Rows per INSERT (PostgreSQL takes at most 65535 parameters in one statement). */
const BATCH = 500;

export interface CopyResult {
  readonly rows: Readonly<Record<string, number>>;
  readonly events: number;
}

async function openSource(path: string): Promise<Database> {
  await access(path).catch(() => {
    throw new GatehouseError('not_found', `db copy: ${path}: no such file`);
  });
  const db = await Database.open(path);
  const version =
    (await db.get<{ user_version: number }>('PRAGMA user_version'))?.user_version ?? 0;
  const expected = SQLITE_EQUIVALENT[PG_SCHEMA_VERSION];
  if (version !== expected) {
    await db.close();
    throw new GatehouseError(
      'refused',
      `db copy: ${path} is at schema version ${version}, this gatehouse copies version ${expected}` +
        (version < (expected ?? 0) ? '; run any gatehouse command on it first to migrate it' : ''),
    );
  }
  return db;
}

async function requireEmpty(pg: SqlConnection, where: string): Promise<void> {
  for (const table of TABLES) {
    const row = await pg.get<{ n: number }>(`SELECT count(*) AS n FROM ${table}`);
    if ((row?.n ?? 0) > 0) {
      throw new GatehouseError(
        'refused',
        `db copy: ${where} is not empty (${table} has ${row?.n} rows); copy into an empty database`,
      );
    }
  }
}

async function copyTable(source: Database, pg: SqlConnection, table: string): Promise<number> {
  const columns = (await source.all<{ name: string }>(`PRAGMA table_info(${table})`)).map(
    (c) => c.name,
  );
  const rows = await source.all<Record<string, SqlValue>>(
    `SELECT ${columns.join(', ')} FROM ${table} ORDER BY rowid`,
  );
  for (let i = 0; i < rows.length; i += BATCH) {
    const slice = rows.slice(i, i + BATCH);
    const tuple = `(${columns.map(() => '?').join(', ')})`;
    await pg.run(
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${slice.map(() => tuple).join(', ')}`,
      slice.flatMap((r) => columns.map((c) => r[c] ?? null)),
    );
  }
  return rows.length;
}

async function verifyCopiedChain(pg: SqlConnection): Promise<number> {
  let cursor: ChainCursor = CHAIN_START;
  for (;;) {
    const rows = await pg.all<AuditRow>(
      'SELECT * FROM audit_events WHERE seq > ? ORDER BY seq LIMIT 1000',
      [cursor.lastSeq],
    );
    if (rows.length === 0) return cursor.count;
    const check = checkChain(cursor, rows);
    if (!check.ok) {
      throw new GatehouseError(
        'storage',
        `db copy: the copied audit chain breaks at seq ${check.seq} (${check.problem}); nothing was kept`,
      );
    }
    cursor = check;
  }
}

export async function copySqliteToPostgres(sqlitePath: string, url: string, now: number) {
  const where = describeUrl(url);
  const source = await openSource(sqlitePath);
  const pool = newPool(url);
  try {
    await migratePg(pool, where, now);
    const client = await pool.connect();
    try {
      await client.query(`${BEGIN_LOCKED}; SET CONSTRAINTS ALL DEFERRED`);
      const pg = new PgConnection(client);
      await requireEmpty(pg, where);
      const rows: Record<string, number> = {};
      for (const table of TABLES) rows[table] = await copyTable(source, pg, table);
      const cursor = await source.get<{ seq: number }>('SELECT seq FROM notify_cursor');
      await pg.run('UPDATE notify_cursor SET seq = ?', [cursor?.seq ?? 0]);
      for (const [table, column] of IDENTITIES) {
        await pg.run(
          `SELECT setval(pg_get_serial_sequence('${table}', '${column}'),
             COALESCE((SELECT MAX(${column}) FROM ${table}), 0) + 1, false)`,
        );
      }
      const events = await verifyCopiedChain(pg);
      await client.query('COMMIT');
      return { rows, events } satisfies CopyResult;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  } catch (err) {
    throw pgToGatehouseError(err, where);
  } finally {
    await source.close().catch(() => undefined);
    await pool.end().catch(() => undefined);
  }
}
