import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { GatehouseError } from '../../src/core/errors.js';
import type { GrantId, SessionId, TargetId, UserId } from '../../src/core/model.js';
import { Database } from '../../src/store/database.js';
import { SCHEMA_VERSION } from '../../src/store/migrations.js';
import { openStore } from '../../src/store/open-store.js';
import { sessionStartEvent } from '../helpers/session-events.js';

const T0 = Date.UTC(2026, 10, 24, 12, 0, 0);
const key = (n: number) => ({
  algorithm: 'ssh-ed25519',
  blob: `AAAAC3NzaC1lZDI1NTE5AAAAI${n}`,
  fingerprint: `SHA256:schema-test-key-${n}`,
  comment: `key ${n}`,
});

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gh-store-schema-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A second, independent connection, as an operator with the sqlite3 shell would have. */
async function raw<T>(path: string, sql: string): Promise<T[]> {
  const db = await Database.open(path);
  try {
    return await db.all<T>(sql);
  } finally {
    await db.close();
  }
}

async function openError(path: string): Promise<GatehouseError> {
  const err: unknown = await openStore(path).then(
    async (s) => {
      await s.close();
      return null;
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GatehouseError);
  return err as GatehouseError;
}

describe('openStore', () => {
  it('creates the folder, migrates at open, and keeps data on reopen without re-migrating', async () => {
    const path = join(dir, 'nested', 'deeper', 'gatehouse.db');
    const store = await openStore(path, { clock: fixedClock(T0) });
    await store.users.add('alice', key(1), 'root');
    await store.close();
    expect(existsSync(path)).toBe(true);

    const [version] = await raw<{ user_version: number }>(path, 'PRAGMA user_version');
    expect(version?.user_version).toBe(SCHEMA_VERSION);
    const tables = await raw<{ name: string }>(
      path,
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    );
    expect(tables.map((t) => t.name)).toEqual([
      'audit_checkpoints',
      'audit_events',
      'grants',
      'ndas',
      'notify_cursor',
      'notify_outbox',
      'recording_indexed',
      'recording_text',
      // The FTS5 index of recording_text and its shadow tables.
      'recording_text_index',
      'recording_text_index_config',
      'recording_text_index_data',
      'recording_text_index_docsize',
      'recording_text_index_idx',
      'request_approvals',
      'requests',
      'reviewer_login_attempts',
      'reviewer_login_tokens',
      'reviewer_sessions',
      'reviewers',
      'session_transfers',
      'sessions',
      'targets',
      'user_keys',
      'users',
    ]);

    const again = await openStore(path, { clock: fixedClock(T0) });
    expect((await again.users.list()).map((u) => u.name)).toEqual(['alice']);
    expect(await again.audit.verify()).toEqual({ ok: true, count: 1 });
    await again.close();
  });

  it('puts the file in WAL mode', async () => {
    const path = join(dir, 'g.db');
    const store = await openStore(path);
    const [mode] = await raw<{ journal_mode: string }>(path, 'PRAGMA journal_mode');
    expect(mode?.journal_mode).toBe('wal');
    await store.close();
  });

  it('enforces foreign keys: a session for a grant that does not exist is refused', async () => {
    const path = join(dir, 'g.db');
    const store = await openStore(path, { clock: fixedClock(T0) });
    const attempt = store.sessions.start(
      {
        id: '2b7e1a52-8f0c-4a5e-9d7b-1c2d3e4f5a6b' as SessionId,
        grantId: 999 as GrantId,
        userId: 1 as UserId,
        targetId: 1 as TargetId,
        startedAt: T0,
        recordingPath: null,
      },
      sessionStartEvent({
        sessionId: '2b7e1a52-8f0c-4a5e-9d7b-1c2d3e4f5a6b' as SessionId,
        grantId: 999 as GrantId,
      }),
      'user:alice',
    );
    await expect(attempt).rejects.toMatchObject({
      code: 'not_found',
      userMessage: 'session: its grant, user or target does not exist',
    });
    expect(await store.sessions.list()).toEqual([]);
    expect(await store.audit.list()).toEqual([]);
    await store.close();
  });

  it('refuses a file that is not a SQLite database, leaving it untouched', async () => {
    const path = join(dir, 'corrupt.db');
    const junk = Buffer.alloc(8192, 0x5a);
    writeFileSync(path, junk);
    const err = await openError(path);
    expect(err.code).toBe('storage');
    expect(err.userMessage).toBe(`database: ${path}: not a SQLite database (corrupt?)`);
    expect(err.userMessage).not.toMatch(/\n|SELECT|PRAGMA|SQLITE_/);
  });

  it('refuses a database written by a newer gatehouse', async () => {
    const path = join(dir, 'g.db');
    await (await openStore(path)).close();
    const db = await Database.open(path);
    await db.run(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
    await db.close();
    const err = await openError(path);
    expect(err.code).toBe('storage');
    expect(err.userMessage).toContain('is newer than this gatehouse');
  });
});

/**
 * Read-only conditions. Root ignores file modes, so when the tests run as root the open happens
 * in a child process running as `nobody` (uid 65534); otherwise as the current user. Either way
 * the file (0444) or folder (0555) really is read-only for the process that opens it.
 */
describe('openStore on read-only storage', () => {
  const openStorePath = pathToFileURL(resolve('dist/store/open-store.js')).href;

  function openAsUnprivileged(dbPath: string): Promise<{ code: string; message: string }> {
    const script = join(dir, 'open-readonly.mjs');
    writeFileSync(
      script,
      `import { openStore } from ${JSON.stringify(openStorePath)};
try { const s = await openStore(process.argv[2]); await s.close(); console.log(JSON.stringify({ code: 'opened', message: '' })); }
catch (e) { console.log(JSON.stringify({ code: e.code, message: e.userMessage ?? String(e) })); }`,
      { mode: 0o644 },
    );
    const asRoot = process.getuid?.() === 0;
    return new Promise((done, fail) => {
      const child = spawn(process.execPath, [script, dbPath], {
        stdio: ['ignore', 'pipe', 'inherit'],
        ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
      });
      let out = '';
      child.stdout.on('data', (b: Buffer) => (out += b.toString()));
      child.on('error', fail);
      child.on('close', () => {
        try {
          done(JSON.parse(out) as { code: string; message: string });
        } catch (e) {
          fail(e instanceof Error ? e : new Error(String(e)));
        }
      });
    });
  }

  it('reports a read-only database file as read-only, without changing it', async () => {
    const path = join(dir, 'g.db');
    const store = await openStore(path, { clock: fixedClock(T0) });
    await store.users.add('alice', key(1), 'root');
    await store.close();
    chmodSync(dir, 0o755);
    chmodSync(path, 0o444);

    const result = await openAsUnprivileged(path);
    expect(result).toEqual({ code: 'storage', message: `database: ${path}: read-only` });
    chmodSync(path, 0o644);
    expect(await raw<{ name: string }>(path, 'SELECT name FROM users')).toEqual([
      { name: 'alice' },
    ]);
  });

  it('reports a read-only folder as read-only when the database must be created', async () => {
    const folder = join(dir, 'ro');
    mkdirSync(folder);
    chmodSync(dir, 0o755);
    chmodSync(folder, 0o555);
    const path = join(folder, 'g.db');
    const result = await openAsUnprivileged(path);
    expect(result).toEqual({ code: 'storage', message: `database: ${path}: read-only` });
    expect(existsSync(path)).toBe(false);
  });
});
