import { stat } from 'node:fs/promises';
import type { Clock } from '../core/clock.js';
import { errorMessage, isGatehouseError, oneLine } from '../core/errors.js';
import type { AuditVerification, Store } from '../core/ports.js';
import { Database } from '../store/database.js';
import { SCHEMA_VERSION } from '../store/migrations.js';
import { isPostgresUrl } from '../store/open-postgres.js';
import { describeLocation, openStore } from '../store/open-store.js';
import { PG_SCHEMA_VERSION } from '../store/pg-migrations.js';
import { inspectPostgres } from '../store/pg-inspect.js';
import { errnoText, fail, pass, type CheckResult } from './check-result.js';

/** Integrity problems shown at most; SQLite can list thousands. */
const MAX_PROBLEMS = 3;

function why(e: unknown): string {
  if (isGatehouseError(e)) return oneLine(e.userMessage);
  return oneLine(errorMessage(e));
}

export interface DatabaseChecks {
  readonly results: CheckResult[];
  /** The opened store when the schema is current (the caller closes it), else null. */
  readonly store: Store | null;
  /** The chain walk, when the store opened (the checkpoint check reuses it). */
  readonly chain?: AuditVerification;
}

/** The schema line: current, or what to do about an older or newer one. */
function schemaCheck(version: number, expected: number): CheckResult {
  if (version === expected) return pass('schema', `version ${version} (current)`);
  const fix =
    version < expected
      ? 'back it up, then start gatehouse serve (or run any gatehouse command) to migrate it'
      : 'this gatehouse is older than the database: run the newer version';
  return fail('schema', `version ${version}, this gatehouse expects ${expected}; ${fix}`);
}

/**
 * Checks the database at `location` (config `database`: a SQLite path or a PostgreSQL URL)
 * without changing it; each engine's first line names it.
 */
export function checkDatabase(location: string, clock: Clock): Promise<DatabaseChecks> {
  return isPostgresUrl(location) ? checkPostgres(location, clock) : checkSqlite(location, clock);
}

/**
 * PostgreSQL: the server answers, the schema is the one this gatehouse expects (an older one is not
 * migrated here) and the audit chain verifies. PostgreSQL checks its own pages: no integrity line.
 */
async function checkPostgres(url: string, clock: Clock): Promise<DatabaseChecks> {
  const where = describeLocation(url);
  let facts: Awaited<ReturnType<typeof inspectPostgres>>;
  try {
    facts = await inspectPostgres(url);
  } catch (e) {
    return {
      results: [fail('database', `PostgreSQL at ${where}: cannot connect (${why(e)})`)],
      store: null,
    };
  }
  const results = [
    pass('database', `PostgreSQL ${facts.serverVersion} at ${where} answers`),
    schemaCheck(facts.schemaVersion, PG_SCHEMA_VERSION),
  ];
  if (facts.schemaVersion !== PG_SCHEMA_VERSION) return { results, store: null };
  return verifyChain(url, clock, results);
}

/**
 * SQLite: the file exists, opens, its schema is the one this gatehouse expects (an older one is not
 * migrated here), `PRAGMA integrity_check` is ok and the audit chain verifies. The store is only
 * opened (openStore migrates) once the schema is current.
 */
async function checkSqlite(dbPath: string, clock: Clock): Promise<DatabaseChecks> {
  const results: CheckResult[] = [];
  const done = (r: CheckResult): DatabaseChecks => ({ results: [...results, r], store: null });
  try {
    const info = await stat(dbPath);
    if (!info.isFile()) return done(fail('database', `${dbPath}: not a regular file`));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      return done(
        fail(
          'database',
          `${dbPath}: no such file; run gatehouse serve once (or any gatehouse command) to create it`,
        ),
      );
    }
    return done(fail('database', `${dbPath}: ${errnoText(e)}`));
  }
  let db: Database;
  try {
    db = await Database.open(dbPath);
  } catch (e) {
    return done(fail('database', `${dbPath}: cannot open (${why(e)})`));
  }
  let version: number;
  let problems: string[];
  try {
    db.configureBusyTimeout(5000);
    version = (await db.get<{ user_version: number }>('PRAGMA user_version'))?.user_version ?? 0;
    const rows = await db.all<{ integrity_check: string }>(
      `PRAGMA integrity_check(${MAX_PROBLEMS})`,
    );
    problems = rows.map((r) => r.integrity_check).filter((p) => p !== 'ok');
  } catch (e) {
    return done(fail('database', `${dbPath}: cannot read (${why(e)}); restore it from a backup`));
  } finally {
    await db.close().catch(() => undefined);
  }
  results.push(pass('database', `SQLite ${dbPath} opens`));
  results.push(schemaCheck(version, SCHEMA_VERSION));
  results.push(
    problems.length === 0
      ? pass('integrity', 'PRAGMA integrity_check: ok')
      : fail(
          'integrity',
          `PRAGMA integrity_check: ${oneLine(problems.join('; '))}; restore the database from a backup`,
        ),
  );
  if (version !== SCHEMA_VERSION) return { results, store: null };
  return verifyChain(dbPath, clock, results);
}

/** Opens the store (its schema is current) and walks the audit chain. */
async function verifyChain(
  location: string,
  clock: Clock,
  results: CheckResult[],
): Promise<DatabaseChecks> {
  const done = (r: CheckResult): DatabaseChecks => ({ results: [...results, r], store: null });
  let store: Store;
  try {
    store = await openStore(location, { clock });
  } catch (e) {
    return done(fail('audit chain', `not checked: the store did not open (${why(e)})`));
  }
  let chain: AuditVerification;
  try {
    chain = await store.audit.verify();
    results.push(
      chain.ok
        ? pass('audit chain', `${chain.count} event${chain.count === 1 ? '' : 's'} verified`)
        : fail(
            'audit chain',
            `broken at seq ${chain.seq}: ${chain.problem}; the database was changed outside gatehouse: investigate and restore from a backup`,
          ),
    );
  } catch (e) {
    await store.close().catch(() => undefined);
    return done(fail('audit chain', `cannot read the audit events (${why(e)})`));
  }
  return { results, store, chain };
}
