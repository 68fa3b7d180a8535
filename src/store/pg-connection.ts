/** The PostgreSQL side of SqlConnection: one pool client (a transaction) or the pool (reads). */
import type pg from 'pg';
import { postgresDialect } from './dialect.js';
import { numberedPlaceholders } from './pg-placeholders.js';
import type { RunResult, SqlConnection, SqlParams } from './sql-connection.js';

export class PgConnection implements SqlConnection {
  readonly dialect = postgresDialect;

  constructor(private readonly queryable: pg.Pool | pg.ClientBase) {}

  async run(sql: string, params: SqlParams = []): Promise<RunResult> {
    const result = await this.query(sql, params);
    return { changes: result.rowCount ?? 0 };
  }

  async get<T>(sql: string, params: SqlParams = []): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  async all<T>(sql: string, params: SqlParams = []): Promise<T[]> {
    return (await this.query(sql, params)).rows as T[];
  }

  private query(sql: string, params: SqlParams): Promise<pg.QueryResult> {
    return this.queryable.query(numberedPlaceholders(sql), params as unknown[]);
  }
}
