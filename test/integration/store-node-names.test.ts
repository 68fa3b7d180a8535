/**
 * Migration 19 (issue 17): each audit event and session names the node that wrote it; the node is
 * hashed into the chain only when set, so a database written before verifies unchanged.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditEvents } from '../../src/core/audit-events.js';
import { canonicalJson } from '../../src/core/canonical-json.js';
import type { GrantId, SessionId, TargetId, UserId } from '../../src/core/model.js';
import { chainHash, GENESIS_HASH } from '../../src/store/audit-chain.js';
import { Database } from '../../src/store/database.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { openStore } from '../../src/store/open-store.js';
import { sessionStartEvent } from '../helpers/session-events.js';
import { tempDir } from '../helpers/tmp.js';

const SESSION = '00000000-0000-4000-8000-000000000019' as SessionId;

/** A database as gatehouse left it before migration 19: two events, hashed without a node. */
async function databaseBefore19(path: string): Promise<{ seq: number; hash: string }[]> {
  const db = await Database.open(path);
  const before = MIGRATIONS.filter((m) => m.version < 19);
  const rows: { seq: number; hash: string }[] = [];
  try {
    for (const m of before) await db.exec(m.sql);
    await db.run(`PRAGMA user_version = ${Math.max(...before.map((m) => m.version))}`);
    await db.exec(`
      INSERT INTO users (name, created_at) VALUES ('alice', 1);
      INSERT INTO targets (name, host, port, login, created_at) VALUES ('db1', 'h', 22, 'ops', 1);
      INSERT INTO ndas (user_id, title, ref, signed_at, created_at) VALUES (1, 'NDA', 'R', 1, 1);
      INSERT INTO grants (user_id, target_id, nda_id, starts_at, ends_at, mode, reason,
        created_by, created_at) VALUES (1, 1, 1, 1, 9, 'shell', 'r', 'root', 1);`);
    let prevHash = GENESIS_HASH;
    const events = [
      auditEvents.userCreate({ user: 'alice', userId: 1 as UserId, fingerprint: 'SHA256:a' }),
      auditEvents.userDisable({ user: 'alice', userId: 1 as UserId }),
    ];
    for (const [i, { type, payload }] of events.entries()) {
      const seq = i + 1;
      const hash = chainHash(prevHash, { seq, ts: 10 + i, actor: 'root', type, payload });
      await db.run(
        `INSERT INTO audit_events (seq, ts, actor, type, payload, prev_hash, hash)
         VALUES (?, ?, 'root', ?, ?, ?, ?)`,
        [seq, 10 + i, type, canonicalJson(payload), prevHash, hash],
      );
      rows.push({ seq, hash });
      prevHash = hash;
    }
  } finally {
    await db.close();
  }
  return rows;
}

async function rawRun(path: string, sql: string): Promise<void> {
  const db = await Database.open(path);
  try {
    await db.run(sql);
  } finally {
    await db.close();
  }
}

describe('migration 19: the node of each audit event and session', () => {
  it("keeps an old database's chain verifying; new events and sessions carry the node, hashed", async () => {
    const path = join(await tempDir('gh-node-names-'), 'gatehouse.db');
    const old = await databaseBefore19(path);

    const store = await openStore(path, { node: 'bastion-a' });
    try {
      expect(await store.audit.verify()).toEqual({ ok: true, count: 2 });
      const listed = await store.audit.list();
      expect(listed.map((e) => ({ seq: e.seq, hash: e.hash }))).toEqual(old);
      expect(listed.map((e) => e.node)).toEqual([null, null]);

      const session = await store.sessions.start(
        {
          id: SESSION,
          grantId: 1 as GrantId,
          userId: 1 as UserId,
          targetId: 1 as TargetId,
          startedAt: 20,
          recordingPath: null,
        },
        sessionStartEvent({ sessionId: SESSION, grantId: 1 as GrantId }),
        'user:alice',
      );
      expect(session.node).toBe('bastion-a');
      expect((await store.sessions.list({ live: true })).map((s) => s.node)).toEqual(['bastion-a']);
      const [start] = await store.audit.list({ type: 'session.start' });
      expect(start).toMatchObject({ seq: 3, node: 'bastion-a' });
      expect(await store.audit.verify()).toEqual({ ok: true, count: 3 });
    } finally {
      await store.close();
    }

    // Another node's name on that event, or a node added to an old one, breaks the chain there.
    await rawRun(path, "UPDATE audit_events SET node = 'bastion-b' WHERE seq = 3");
    const moved = await openStore(path);
    try {
      expect(await moved.audit.verify()).toMatchObject({
        ok: false,
        seq: 3,
        problem: 'hash does not match the event',
      });
    } finally {
      await moved.close();
    }
    await rawRun(path, "UPDATE audit_events SET node = 'bastion-a' WHERE seq = 3");
    await rawRun(path, "UPDATE audit_events SET node = 'bastion-a' WHERE seq = 2");
    const added = await openStore(path);
    try {
      expect(await added.audit.verify()).toMatchObject({ ok: false, seq: 2 });
    } finally {
      await added.close();
    }
  });

  it('refuses a node name the config would refuse', async () => {
    const path = join(await tempDir('gh-node-names-'), 'gatehouse.db');
    await (await openStore(path)).close();
    const db = await Database.open(path);
    try {
      await db.exec(`
        INSERT INTO users (name, created_at) VALUES ('alice', 1);
        INSERT INTO targets (name, host, port, login, created_at) VALUES ('db1', 'h', 22, 'ops', 1);
        INSERT INTO ndas (user_id, title, ref, signed_at, created_at) VALUES (1, 'NDA', 'R', 1, 1);
        INSERT INTO grants (user_id, target_id, nda_id, starts_at, ends_at, mode, reason,
          created_by, created_at) VALUES (1, 1, 1, 1, 9, 'shell', 'r', 'root', 1);`);
      const insert = (node: string) =>
        db.run(
          `INSERT INTO sessions (id, grant_id, user_id, target_id, started_at, node)
           VALUES ('${SESSION}', 1, 1, 1, 5, ?)`,
          [node],
        );
      await expect(insert('a b')).rejects.toThrow(/sessions_node/);
      await expect(insert('n'.repeat(64))).rejects.toThrow(/sessions_node/);
      await expect(insert('bastion-a')).resolves.toBeDefined();
    } finally {
      await db.close();
    }
  });
});
