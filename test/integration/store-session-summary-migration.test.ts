/** Migration 13 (issue 15): sessions from before it get kind and command from session.start. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SessionId } from '../../src/core/model.js';
import { Database } from '../../src/store/database.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { openStore } from '../../src/store/open-store.js';
import { tempDir } from '../helpers/tmp.js';

const id = (n: number): SessionId =>
  `00000000-0000-4000-8000-${String(n).padStart(12, '0')}` as SessionId;
const LONG = `echo ${'x'.repeat(2000)}`;

describe('migration 13: sessions.kind, command, flag_count', () => {
  it('fills kind and command from each session.start, prompt for a commands grant, and leaves the rest unknown', async () => {
    const path = join(await tempDir('gh-summary-migration-'), 'gatehouse.db');
    const db = await Database.open(path);
    try {
      for (const m of MIGRATIONS.filter((m) => m.version < 13)) await db.exec(m.sql);
      await db.run('PRAGMA user_version = 12');
      await db.exec(`
        INSERT INTO users (name, created_at) VALUES ('alice', 1);
        INSERT INTO targets (name, host, port, login, created_at) VALUES ('db1', 'h', 22, 'ops', 1);
        INSERT INTO ndas (user_id, title, ref, signed_at, created_at) VALUES (1, 'NDA', 'R', 1, 1);
        INSERT INTO grants (user_id, target_id, nda_id, starts_at, ends_at, mode, reason,
          created_by, created_at)
        VALUES (1, 1, 1, 1, 9, 'shell', 'r', 'root', 1), (1, 1, 1, 1, 9, 'commands', 'r', 'root', 1);`);
      const sessions: [number, number][] = [
        [1, 1],
        [2, 1],
        [3, 2],
        [4, 1],
        [5, 1],
      ];
      for (const [n, grant] of sessions) {
        await db.run(
          `INSERT INTO sessions (id, grant_id, user_id, target_id, started_at) VALUES (?, ?, 1, 1, ?)`,
          [id(n), grant, n],
        );
      }
      const starts: [number, string, string | null][] = [
        [1, 'shell', null],
        [2, 'exec', 'uptime'],
        [3, 'shell', null],
        [4, 'exec', LONG],
      ];
      for (const [n, kind, command] of starts) {
        await db.run(
          `INSERT INTO audit_events (ts, actor, type, payload, prev_hash, hash)
           VALUES (?, 'user:alice', 'session.start', ?, '-', '-')`,
          [n, JSON.stringify({ sessionId: id(n), kind, command })],
        );
      }
    } finally {
      await db.close();
    }
    const store = await openStore(path);
    try {
      const shown = async (n: number) => {
        const s = await store.sessions.get(id(n));
        return [s?.kind, s?.command, s?.flagCount];
      };
      expect(await shown(1)).toEqual(['shell', null, 0]);
      expect(await shown(2)).toEqual(['exec', 'uptime', 0]);
      expect(await shown(3)).toEqual(['prompt', null, 0]);
      expect(await shown(4)).toEqual(['exec', `${LONG.slice(0, 1023)}…`, 0]);
      expect(await shown(5)).toEqual([null, null, 0]);
    } finally {
      await store.close();
    }
  });
});
