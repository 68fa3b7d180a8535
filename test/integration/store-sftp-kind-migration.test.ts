/** Migration 16 (issue 16): sessions.kind may be 'sftp'; the table is made again, nothing lost. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SessionId } from '../../src/core/model.js';
import { Database } from '../../src/store/database.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { openStore } from '../../src/store/open-store.js';
import { tempDir } from '../helpers/tmp.js';

const SESSION = '00000000-0000-4000-8000-000000000001' as SessionId;

async function raw<T>(path: string, sql: string): Promise<T[]> {
  const db = await Database.open(path);
  try {
    return await db.all<T>(sql);
  } finally {
    await db.close();
  }
}

describe('migration 16: sessions of kind sftp', () => {
  it('keeps every session column, the indexes and the search index rows that refer to sessions', async () => {
    const path = join(await tempDir('gh-sftp-migration-'), 'gatehouse.db');
    const db = await Database.open(path);
    const before = MIGRATIONS.filter((m) => m.version < 16);
    try {
      for (const m of before) await db.exec(m.sql);
      await db.run(`PRAGMA user_version = ${Math.max(...before.map((m) => m.version))}`);
      await db.exec(`
        INSERT INTO users (name, created_at) VALUES ('alice', 1);
        INSERT INTO targets (name, host, port, login, created_at) VALUES ('db1', 'h', 22, 'ops', 1);
        INSERT INTO ndas (user_id, title, ref, signed_at, created_at) VALUES (1, 'NDA', 'R', 1, 1);
        INSERT INTO grants (user_id, target_id, nda_id, starts_at, ends_at, mode, reason,
          created_by, created_at) VALUES (1, 1, 1, 1, 9, 'shell', 'r', 'root', 1);
        INSERT INTO sessions (id, grant_id, user_id, target_id, started_at, ended_at, end_reason,
          exit_status, recording_path, bytes, sha256, kill_requested_at, stdin_bytes, stdin_sha256,
          kind, command, flag_count, kill_reason)
        VALUES ('${SESSION}', 1, 1, 1, 5, 8, 'killed', 255, '2026/12/01/x.cast', 10,
          '${'b'.repeat(64)}', 7, 3, '${'c'.repeat(64)}', 'exec', 'uptime', 2, 'enough');
        INSERT INTO recording_text (session_id, chunk, own_from, times, body)
          VALUES ('${SESSION}', 0, 0, '[]', 'needle in the output');
        INSERT INTO recording_indexed (session_id, indexed_at, chars, complete)
          VALUES ('${SESSION}', 9, 20, 1);`);
    } finally {
      await db.close();
    }
    const columns = await raw<Record<string, unknown>>(path, 'SELECT * FROM sessions');

    const store = await openStore(path);
    try {
      expect((await store.sessions.get(SESSION))?.kind).toBe('exec');
      const found = await store.recordingText.candidates('needle', 1, 10);
      expect(found.map((c) => c.session.id)).toEqual([SESSION]);
    } finally {
      await store.close();
    }
    // Migration 17 adds a transfer session's totals, zero for every older session; migration 18
    // retention's marks and the legal hold, none; migration 19 its node, unknown for them.
    expect(await raw(path, 'SELECT * FROM sessions')).toEqual(
      columns.map((c) => ({
        ...c,
        transfer_files: 0,
        transfer_bytes: 0,
        recording_pruned_at: null,
        recording_removed_at: null,
        hold_reason: null,
        hold_by: null,
        hold_at: null,
        node: null,
      })),
    );
    expect(await raw(path, 'PRAGMA foreign_key_check')).toEqual([]);
    const indexes = await raw<{ name: string }>(
      path,
      "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'sessions' AND sql IS NOT NULL ORDER BY name",
    );
    expect(indexes.map((i) => i.name)).toEqual([
      'sessions_flagged',
      'sessions_grant',
      'sessions_kind_started', // migration 17
      'sessions_live',
      'sessions_prunable', // migration 18
      'sessions_prune_unfinished', // migration 18
      'sessions_started',
      'sessions_target_started',
      'sessions_user_started',
    ]);
    const kinds = await Database.open(path);
    try {
      await kinds.run('PRAGMA foreign_keys = ON');
      await kinds.run(`UPDATE sessions SET kind = 'sftp' WHERE id = ?`, [SESSION]);
      await expect(
        kinds.run(`UPDATE sessions SET kind = 'rsync' WHERE id = ?`, [SESSION]),
      ).rejects.toThrow(/sessions_kind/);
      // Still a parent: the search index's rows keep their session.
      await expect(kinds.run('DELETE FROM sessions')).rejects.toThrow(/FOREIGN KEY/);
    } finally {
      await kinds.close();
    }
  });
});
