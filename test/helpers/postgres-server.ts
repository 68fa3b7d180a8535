/**
 * PostgreSQL for the tests: the throwaway cluster (bench/lib/postgres-cluster.ts), one per test
 * process, stopped when the process exits; each test gets a fresh database copied from a template
 * that gatehouse already migrated.
 */
import { startPostgres, type PostgresServer } from '../../bench/lib/postgres-cluster.js';
import { openStore } from '../../src/store/open-store.js';

export type { PostgresServer };

let shared: Promise<PostgresServer> | undefined;

/** The test process's cluster, started on first use and stopped when the process exits. */
export function sharedPostgres(): Promise<PostgresServer> {
  shared ??= startPostgres(async (url) => {
    const template = await openStore(url);
    await template.close();
  });
  return shared;
}
