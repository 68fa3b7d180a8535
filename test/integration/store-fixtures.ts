/** Shared set-up for the store integration tests: a fresh SQLite file per test, seeded data. */
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import type { AuditRecord, NdaId } from '../../src/core/model.js';
import type { NewGrant, NewKey, Store } from '../../src/core/ports.js';
import { Database } from '../../src/store/database.js';
import { openStore } from '../../src/store/open-store.js';

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

export interface TempStore {
  readonly path: string;
  readonly store: Store;
  readonly clock: ReturnType<typeof fixedClock>;
  /** Row counts of every table, read through a separate connection. */
  counts(): Promise<Record<string, number>>;
  lastAudit(): Promise<AuditRecord | undefined>;
}

/** Registers hooks that open a store in a fresh temp dir before each test and remove it after. */
export function useTempStore(): TempStore {
  const clock = fixedClock(T0);
  let dir = '';
  let path = '';
  let store: Store | undefined;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gh-store-'));
    path = join(dir, 'gatehouse.db');
    clock.set(T0);
    store = await openStore(path, { clock });
  });
  afterEach(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const current = (): Store => {
    if (!store) throw new Error('store not open');
    return store;
  };
  return {
    get path() {
      return path;
    },
    get store() {
      return current();
    },
    clock,
    async counts() {
      const db = await Database.open(path);
      try {
        const out: Record<string, number> = {};
        for (const t of TABLES) {
          const row = await db.get<{ n: number }>(`SELECT count(*) AS n FROM ${t}`);
          out[t] = row?.n ?? -1;
        }
        return out;
      } finally {
        await db.close();
      }
    },
    async lastAudit() {
      const [event] = await current().audit.list({ limit: 1 });
      return event;
    },
  };
}

/**
 * Opens the database at `dbPath` (its folder made first) beside a CLI or a serve using it, runs
 * `fn` and closes it: how CLI and serve tests seed rows and read what a command wrote.
 */
export async function withStoreAt<T>(dbPath: string, fn: (store: Store) => Promise<T>): Promise<T> {
  await mkdir(dirname(dbPath), { recursive: true });
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
