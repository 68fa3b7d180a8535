/**
 * A transfer session's log (migration 17): each transfer event makes its row in the same
 * transaction (no event without its row, no row without its event), listed by session in seq
 * order and bounded; the session list's totals move with each file.
 */
import { describe, expect, it } from 'vitest';
import { auditEvents } from '../../src/core/audit-events.js';
import type { GrantId, SessionId } from '../../src/core/model.js';
import { sessionStartEvent } from '../helpers/session-events.js';
import { describeEachStore, failAuditInserts, grantFor, MAX, seed, T0 } from './store-fixtures.js';

describeEachStore('transfer log', (t) => {
  const SID = 'f47ac10b-58cc-4372-a567-0e02b2c3d479' as SessionId;
  const OTHER = '0b6f1f3e-7c2a-4d7e-9a51-3f6a2b9c8d10' as SessionId;
  const SHA = 'cd'.repeat(32);

  /** alice's sessions on db1, each under a grant of its own; their grant ids. */
  async function startSessions(...ids: SessionId[]): Promise<GrantId[]> {
    const { ndaA } = await seed(t.store);
    const grants: GrantId[] = [];
    for (const id of ids) {
      const g = await t.store.grants.add(grantFor(ndaA.id), MAX, T0, 'root');
      await t.store.sessions.start(
        {
          id,
          grantId: g.id,
          userId: g.userId,
          targetId: g.targetId,
          startedAt: T0,
          recordingPath: null,
        },
        sessionStartEvent({ sessionId: id, grantId: g.id }),
        'user:alice',
      );
      grants.push(g.id);
    }
    return grants;
  }

  const ref = (sessionId: SessionId, grantId: GrantId | undefined) => ({
    sessionId,
    grantId: grantId ?? (0 as GrantId),
    user: 'alice',
    target: 'db1',
  });

  const rawCount = (sql: string): Promise<number> =>
    t.withConnection(async (db) => (await db.get<{ n: number }>(sql))?.n ?? -1);

  describe('the transfer log in the store', () => {
    it('keeps one entry per transfer event, in seq order, by session', async () => {
      const [g] = await startSessions(SID);
      const s = ref(SID, g);
      const file = await t.store.audit.append(
        auditEvents.transferFile({
          ...s,
          path: '/var/log/syslog',
          direction: 'download',
          bytes: 3_000_000,
          sha256: SHA,
        }),
        'user:alice',
      );
      t.clock.set(T0 + 5000);
      const change = await t.store.audit.append(
        auditEvents.transferChange({ ...s, op: 'rename', path: '/tmp/a.part', to: '/tmp/a' }),
        'user:alice',
      );
      const denied = await t.store.audit.append(
        auditEvents.transferDenied({
          ...s,
          op: 'open',
          path: '/etc/shadow',
          why: 'outside the paths this grant allows',
        }),
        'user:alice',
      );
      await t.store.audit.append(
        auditEvents.transferFile({
          ...s,
          path: '/tmp/patch',
          direction: 'upload',
          bytes: 10,
          sha256: null,
        }),
        'user:alice',
      );
      expect(await t.store.transfers.list(SID, { limit: 3 })).toEqual([
        {
          seq: file.seq,
          ts: T0,
          kind: 'file',
          direction: 'download',
          path: '/var/log/syslog',
          bytes: 3_000_000,
          sha256: SHA,
        },
        {
          seq: change.seq,
          ts: T0 + 5000,
          kind: 'change',
          op: 'rename',
          path: '/tmp/a.part',
          to: '/tmp/a',
        },
        {
          seq: denied.seq,
          ts: T0 + 5000,
          kind: 'denied',
          op: 'open',
          path: '/etc/shadow',
          why: 'outside the paths this grant allows',
        },
      ]);
      const rest = await t.store.transfers.list(SID, { afterSeq: denied.seq, limit: 10 });
      expect(rest.map((e) => [e.kind, e.path])).toEqual([['file', '/tmp/patch']]);
      expect(await t.store.transfers.count(SID)).toBe(4);
      // The session list's totals: files and their bytes, not the change or the refusal.
      const [row] = (await t.store.reviewers.sessionPage({ offset: 0, limit: 5 })).sessions;
      expect(row?.transfers).toEqual({ files: 2, bytes: 3_000_010 });
      expect((await t.store.reviewers.session(SID))?.transfers).toEqual({
        files: 2,
        bytes: 3_000_010,
      });
    });

    it('lists only the asked session, and at most 1000 entries at once', async () => {
      const [g1, g2] = await startSessions(SID, OTHER);
      for (let i = 0; i < 1005; i += 1)
        await t.store.audit.append(
          auditEvents.transferDenied({
            ...ref(SID, g1),
            op: 'remove',
            path: `/f${i}`,
            why: 'upload only',
          }),
          'user:alice',
        );
      await t.store.audit.append(
        auditEvents.transferChange({ ...ref(OTHER, g2), op: 'mkdir', path: '/tmp/d', to: null }),
        'user:alice',
      );
      expect(await t.store.transfers.list(SID, { limit: 5000 })).toHaveLength(1000);
      expect((await t.store.transfers.list(OTHER, { limit: 10 })).map((e) => e.path)).toEqual([
        '/tmp/d',
      ]);
      // The query plan is SQLite's (PostgreSQL's planner picks by table statistics).
      if (t.engine === 'sqlite') {
        const plan = await t.withConnection((db) =>
          db.all<{ detail: string }>(
            'EXPLAIN QUERY PLAN SELECT * FROM session_transfers WHERE session_id = ? AND seq > ? ORDER BY seq LIMIT 10',
            [SID, 0],
          ),
        );
        expect(plan.map((p) => p.detail).join('\n')).toMatch(
          /USING (COVERING )?INDEX session_transfers_session/,
        );
        expect(plan.map((p) => p.detail).join('\n')).not.toMatch(/TEMP B-TREE/);
      }
    });

    it('writes no event when its entry cannot be written, and no entry when the event cannot', async () => {
      const [g] = await startSessions(SID);
      const events = await rawCount('SELECT count(*) AS n FROM audit_events');
      // Not a sha256: the entry's CHECK refuses it, and the event goes with it.
      const bad = auditEvents.transferFile({
        ...ref(SID, g),
        path: '/x',
        direction: 'download',
        bytes: 1,
        sha256: 'not-hex',
      });
      await expect(t.store.audit.append(bad, 'user:alice')).rejects.toThrow();
      expect(await rawCount('SELECT count(*) AS n FROM audit_events')).toBe(events);
      expect(await rawCount('SELECT count(*) AS n FROM session_transfers')).toBe(0);
      expect(await rawCount('SELECT transfer_files AS n FROM sessions')).toBe(0);

      await failAuditInserts(t.path);
      const good = auditEvents.transferFile({
        ...ref(SID, g),
        path: '/x',
        direction: 'download',
        bytes: 1,
        sha256: SHA,
      });
      await expect(t.store.audit.append(good, 'user:alice')).rejects.toThrow(/disk full/);
      expect(await rawCount('SELECT count(*) AS n FROM session_transfers')).toBe(0);
      expect(await rawCount('SELECT transfer_bytes AS n FROM sessions')).toBe(0);
    });

    it('an event about no session row adds its event and no entry', async () => {
      await t.store.audit.append(
        auditEvents.transferChange({
          ...ref(SID, 1 as GrantId),
          op: 'mkdir',
          path: '/d',
          to: null,
        }),
        'user:alice',
      );
      expect(await t.lastAudit()).toMatchObject({ type: 'transfer.change' });
      expect(await rawCount('SELECT count(*) AS n FROM session_transfers')).toBe(0);
    });
  });
});
