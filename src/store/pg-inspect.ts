/** What doctor reads of a PostgreSQL database without changing it: the server and schema versions. */
import { pgToGatehouseError, describeUrl } from './pg-errors.js';
import { pgSchemaVersion } from './pg-migrate.js';
import { newPool } from './open-postgres.js';

export interface PostgresFacts {
  /** e.g. `15.18`. */
  readonly serverVersion: string;
  /** 0 for a database gatehouse has not migrated yet. */
  readonly schemaVersion: number;
}

export async function inspectPostgres(url: string): Promise<PostgresFacts> {
  const pool = newPool(url);
  try {
    const version = await pool.query<{ v: string }>(
      "SELECT current_setting('server_version') AS v",
    );
    const serverVersion = (version.rows[0]?.v ?? '?').split(' ')[0] ?? '?';
    return { serverVersion, schemaVersion: await pgSchemaVersion(pool) };
  } catch (err) {
    throw pgToGatehouseError(err, describeUrl(url));
  } finally {
    await pool.end().catch(() => undefined);
  }
}
