/** A small promise wrapper around one `sqlite3` connection. Only positional `?` parameters. */
import sqlite3 from 'sqlite3';
import { sqliteDialect } from './dialect.js';
import type { RunResult as SqlRunResult, SqlConnection, SqlParams } from './sql-connection.js';

export type { SqlParams, SqlValue } from './sql-connection.js';

export interface RunResult extends SqlRunResult {
  readonly lastId: number;
}

/** Prepared statements kept per connection: the store runs the same few dozen over and over. */
const MAX_CACHED_STATEMENTS = 200;

/**
 * PRAGMAs run once at open and some return a row; they are prepared, run and finalized each time.
 */
const isCacheable = (sql: string): boolean => !/^\s*PRAGMA\b/i.test(sql);

/**
 * run() steps a statement once: one that returns rows would stay active (holding its read
 * snapshot) until its next use, so such a statement is never cached for run().
 */
const isCacheableForRun = (sql: string): boolean =>
  isCacheable(sql) && !/^\s*(SELECT|WITH|VALUES)\b|\bRETURNING\b/i.test(sql);

export class Database implements SqlConnection {
  readonly dialect = sqliteDialect;
  /** By SQL text, least recently used first. */
  private readonly statements = new Map<string, Promise<sqlite3.Statement>>();

  private constructor(
    private readonly db: sqlite3.Database,
    readonly path: string,
  ) {}

  /** Opens (creating when missing) the file read-write. Rejects with the raw sqlite3 error. */
  static open(path: string): Promise<Database> {
    return new Promise((resolve, reject) => {
      const db: sqlite3.Database = new sqlite3.Database(
        path,
        sqlite3.OPEN_READWRITE | sqlite3.OPEN_CREATE,
        (err) => {
          if (err) reject(err);
          else resolve(new Database(db, path));
        },
      );
      // Errors also arrive through the callbacks; the listener keeps a stray event from crashing.
      db.on('error', () => undefined);
    });
  }

  configureBusyTimeout(ms: number): void {
    this.db.configure('busyTimeout', ms);
  }

  /** For statements that return no rows (DML without RETURNING, BEGIN/COMMIT, PRAGMA setters). */
  async run(sql: string, params: SqlParams = []): Promise<RunResult> {
    if (!isCacheableForRun(sql)) {
      return new Promise((resolve, reject) => {
        this.db.run(sql, params, function (this: sqlite3.RunResult, err: Error | null) {
          if (err) reject(err);
          else resolve({ lastId: this.lastID, changes: this.changes });
        });
      });
    }
    const statement = await this.prepared(sql);
    return new Promise((resolve, reject) => {
      statement.run(params, function (this: sqlite3.RunResult, err: Error | null) {
        if (err) reject(err);
        else resolve({ lastId: this.lastID, changes: this.changes });
      });
    });
  }

  /** The first row. The statement is still stepped to its end, so it holds no read snapshot. */
  async get<T>(sql: string, params: SqlParams = []): Promise<T | undefined> {
    if (!isCacheable(sql)) {
      return new Promise((resolve, reject) => {
        this.db.get<T>(sql, params, (err: Error | null, row: T | undefined) => {
          if (err) reject(err);
          else resolve(row);
        });
      });
    }
    return (await this.all<T>(sql, params))[0];
  }

  async all<T>(sql: string, params: SqlParams = []): Promise<T[]> {
    if (!isCacheable(sql)) {
      return new Promise((resolve, reject) => {
        this.db.all<T>(sql, params, (err: Error | null, rows: T[]) => {
          if (err) reject(err);
          else resolve(rows);
        });
      });
    }
    const statement = await this.prepared(sql);
    return new Promise((resolve, reject) => {
      statement.all<T>(params, (err: Error | null, rows: T[]) => {
        if (err) reject(err);
        else resolve(rows);
      });
    });
  }

  /**
   * The cached statement for `sql`, prepared on first use (saves the prepare and finalize
   * round trips to the thread pool on every call). A statement that fails to prepare (e.g.
   * SQLITE_BUSY while another process changes the schema) is not kept.
   */
  private prepared(sql: string): Promise<sqlite3.Statement> {
    const cached = this.statements.get(sql);
    if (cached !== undefined) {
      this.statements.delete(sql); // re-inserted: most recently used last
      this.statements.set(sql, cached);
      return cached;
    }
    const pending = new Promise<sqlite3.Statement>((resolve, reject) => {
      const statement = this.db.prepare(sql, (err: Error | null) => {
        if (err) reject(err);
        else resolve(statement);
      });
    });
    this.statements.set(sql, pending);
    pending.catch(() => {
      if (this.statements.get(sql) === pending) this.statements.delete(sql);
    });
    if (this.statements.size > MAX_CACHED_STATEMENTS) {
      const [oldest] = this.statements;
      if (oldest !== undefined) {
        this.statements.delete(oldest[0]);
        void finalize(oldest[1]);
      }
    }
    return pending;
  }

  /** Runs several statements without parameters (migrations only). */
  exec(sql: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.db.exec(sql, (err: Error | null) => {
        if (err) reject(err);
        else resolve();
      });
    });
  }

  /** Finalizes the cached statements first: SQLite refuses to close with statements left. */
  async close(): Promise<void> {
    const statements = [...this.statements.values()];
    this.statements.clear();
    await Promise.all(statements.map(finalize));
    return new Promise((resolve, reject) => {
      this.db.close((err) => {
        if (err) reject(err);
        else resolve();
      });
    });
  }
}

/** Finalizes a cached statement once its queued work is done; one that never prepared needs nothing. */
async function finalize(pending: Promise<sqlite3.Statement>): Promise<void> {
  const statement = await pending.catch(() => null);
  if (statement === null) return;
  await new Promise<void>((resolve) => {
    statement.finalize(() => resolve());
  });
}
