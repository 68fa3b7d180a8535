/**
 * What the repositories see of a database, whichever engine: one connection (inside a
 * transaction or a read) with positional `?` parameters, and the few SQL fragments the engines
 * spell differently (`dialect`). SQLite (`database.ts`) and PostgreSQL (`pg-connection.ts`)
 * implement it.
 */
import type { Dialect } from './dialect.js';

export type SqlValue = string | number | null;
export type SqlParams = readonly SqlValue[];

export interface RunResult {
  readonly changes: number;
}

export interface SqlConnection {
  readonly dialect: Dialect;
  /** For statements that return no rows (DML without RETURNING). */
  run(sql: string, params?: SqlParams): Promise<RunResult>;
  /** The first row. */
  get<T>(sql: string, params?: SqlParams): Promise<T | undefined>;
  all<T>(sql: string, params?: SqlParams): Promise<T[]>;
}

/** How the repositories reach the connection: serialised writes and plain reads. */
export interface StoreTransactions {
  /**
   * Runs `fn` in one write transaction; writes are serialised across processes and nodes. Any
   * error rolls everything back and is rethrown as a GatehouseError.
   */
  write<T>(fn: (db: SqlConnection) => Promise<T>): Promise<T>;
  /** Runs reads outside any other caller's transaction. */
  read<T>(fn: (db: SqlConnection) => Promise<T>): Promise<T>;
  /** Closes after the transactions already queued have finished. */
  close(): Promise<void>;
}
