/**
 * Shared set-up for the store integration tests: a fresh database per test, SQLite or PostgreSQL
 * (the contract suite runs each test on both: `describeEachStore`), seeded data.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { afterEach, beforeEach, describe } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import type { AuditRecord, NdaId } from '../../src/core/model.js';
import type { NewGrant, NewKey, Store } from '../../src/core/ports.js';
import { Database } from '../../src/store/database.js';
import { openStore } from '../../src/store/open-store.js';
import { PgConnection } from '../../src/store/pg-connection.js';
import { storeTypes } from '../../src/store/pg-types.js';
import type { SqlConnection } from '../../src/store/sql-connection.js';
import { sharedPostgres } from '../helpers/postgres-server.js';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
export const MAX = 30 * DAY;
export const T0 = Date.UTC(2026, 10, 24, 12, 0, 0);
export const HOST_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHostKeyForTests';

export const key = (n: number): NewKey => ({
  algorithm: 'ssh-ed25519',
  blob: `AAAAC3NzaC1lZDI1NTE5AAAAI${n}`,
  fingerprint: `SHA256:store-test-key-${n}`,
  comment: `key ${n}`,
});

const TABLES = ['users', 'user_keys', 'ndas', 'targets', 'grants', 'sessions', 'audit_events'];

export type StoreEngine = 'sqlite' | 'postgres';
export const STORE_ENGINES: readonly StoreEngine[] = ['sqlite', 'postgres'];

export interface TempStore {
  readonly engine: StoreEngine;
  /** What openStore takes: the SQLite file's path or the PostgreSQL database's URL. */
  readonly path: string;
  readonly store: Store;
  /** Another Store on the same database (another process or node); the caller closes it. */
  open(): Promise<Store>;
  /** Runs `fn` on a separate raw connection (outside the store): to break rows on purpose. */
  withConnection<T>(fn: (db: SqlConnection) => Promise<T>): Promise<T>;
  readonly clock: ReturnType<typeof fixedClock>;
  /** Row counts of every table, read through a separate connection. */
  counts(): Promise<Record<string, number>>;
  lastAudit(): Promise<AuditRecord | undefined>;
}

/** A raw connection to the database at `location`, for `fn` only. */
export async function withConnectionAt<T>(
  location: string,
  fn: (db: SqlConnection) => Promise<T>,
): Promise<T> {
  if (location.startsWith('postgres')) {
    const client = new pg.Client({ connectionString: location, types: storeTypes });
    await client.connect();
    try {
      return await fn(new PgConnection(client));
    } finally {
      await client.end();
    }
  }
  const db = await Database.open(location);
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

/**
 * Registers hooks that open a store on a fresh database before each test and remove it after:
 * a SQLite file in a temp dir, or a database on this process's PostgreSQL cluster.
 */
export function useTempStore(engine: StoreEngine = 'sqlite'): TempStore {
  const clock = fixedClock(T0);
  let dir = '';
  let path = '';
  let store: Store | undefined;
  beforeEach(async () => {
    clock.set(T0);
    if (engine === 'postgres') {
      const server = await sharedPostgres();
      path = server.url(await server.createDatabase());
    } else {
      dir = mkdtempSync(join(tmpdir(), 'gh-store-'));
      path = join(dir, 'gatehouse.db');
    }
    store = await openStore(path, { clock });
  });
  afterEach(async () => {
    await store?.close();
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });
  const current = (): Store => {
    if (!store) throw new Error('store not open');
    return store;
  };
  return {
    engine,
    get path() {
      return path;
    },
    get store() {
      return current();
    },
    open: () => openStore(path, { clock }),
    withConnection: (fn) => withConnectionAt(path, fn),
    clock,
    counts: () =>
      withConnectionAt(path, async (db) => {
        const out: Record<string, number> = {};
        for (const t of TABLES) {
          const row = await db.get<{ n: number }>(`SELECT count(*) AS n FROM ${t}`);
          out[t] = row?.n ?? -1;
        }
        return out;
      }),
    async lastAudit() {
      const [event] = await current().audit.list({ limit: 1 });
      return event;
    },
  };
}

/** Makes every audit insert fail, as a full disk would, through a separate connection. */
export function failAuditInserts(location: string): Promise<void> {
  return withConnectionAt(location, async (db) => {
    await db.run(
      db.dialect.engine === 'postgres'
        ? `CREATE FUNCTION audit_writes_fail() RETURNS trigger LANGUAGE plpgsql AS
             'BEGIN RAISE EXCEPTION ''disk full''; END';
           CREATE TRIGGER audit_writes_fail BEFORE INSERT ON audit_events
             FOR EACH ROW EXECUTE FUNCTION audit_writes_fail()`
        : "CREATE TRIGGER audit_writes_fail BEFORE INSERT ON audit_events BEGIN SELECT RAISE(ABORT, 'disk full'); END",
    );
  });
}

/**
 * The store contract: `body`'s tests run once on SQLite and once on PostgreSQL, each test on a
 * fresh database (`t`).
 */
export function describeEachStore(name: string, body: (t: TempStore) => void): void {
  for (const engine of STORE_ENGINES) {
    describe(`${name} [${engine}]`, () => {
      body(useTempStore(engine));
    });
  }
}

/**
 * Opens the database at `dbPath` (a SQLite file's folder made first, or a PostgreSQL URL) beside a CLI or a serve using it, runs
 * `fn` and closes it: how CLI and serve tests seed rows and read what a command wrote.
 */
export async function withStoreAt<T>(dbPath: string, fn: (store: Store) => Promise<T>): Promise<T> {
  if (!dbPath.startsWith('postgres')) await mkdir(dirname(dbPath), { recursive: true });
  const store = await openStore(dbPath);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** alice and bob, each with an NDA (alice's expires in 60 days), target db1 with a pinned key. */
export async function seed(store: Store) {
  await store.users.add('alice', key(1), 'root');
  await store.users.add('bob', key(2), 'root');
  const ndaA = await store.ndas.add(
    {
      userName: 'alice',
      title: 'Acme NDA v3',
      ref: 'NDA-1',
      signedAt: T0 - DAY,
      expiresAt: T0 + 60 * DAY,
      documentSha256: 'a'.repeat(64),
    },
    'root',
  );
  const ndaB = await store.ndas.add(
    {
      userName: 'bob',
      title: 'Acme NDA v3',
      ref: 'NDA-2',
      signedAt: T0 - DAY,
      expiresAt: null,
      documentSha256: null,
    },
    'root',
  );
  const db1 = await store.targets.add(
    { name: 'db1', host: '10.0.0.5', port: 22, login: 'ops', hostKey: HOST_KEY },
    'root',
  );
  return { ndaA, ndaB, db1 };
}

/** A two-hour shell grant for alice on db1 from T0. */
export const grantFor = (ndaId: NdaId, over: Partial<NewGrant> = {}): NewGrant => ({
  userName: 'alice',
  targetName: 'db1',
  ndaId,
  startsAt: T0,
  endsAt: T0 + 2 * HOUR,
  mode: 'shell',
  allowlist: [],
  reason: 'INC-4211',
  ...over,
});
