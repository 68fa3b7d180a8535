/** The notification outbox in SQLite (migration 10): queued from the audit chain, claimed, finished. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditEvents } from '../../src/core/audit-events.js';
import type { UserId } from '../../src/core/model.js';
import type { NewNotification, NotifiedEvent } from '../../src/core/notification.js';
import { Database } from '../../src/store/database.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { openStore } from '../../src/store/open-store.js';
import { sampleAuditEvents } from '../helpers/audit-event-samples.js';
import { tempDir } from '../helpers/tmp.js';
import { grantFor, HOUR, MAX, seed, T0, describeEachStore } from './store-fixtures.js';

/** One row per webhook named, for every event handed over; `seen` records what was handed over. */
function planFor(webhooks: readonly string[], seen: NotifiedEvent[] = []) {
  return (e: NotifiedEvent): NewNotification[] => {
    seen.push(e);
    return webhooks.map((webhook) => ({
      deliveryId: `${webhook}-${e.record.seq}`,
      webhook,
      event: e.record.type as NewNotification['event'],
      seq: e.record.seq,
      body: `{"seq":${e.record.seq}}`,
    }));
  };
}

describe('migration 10', () => {
  it('starts the cursor at the head of the chain as it was: history is not notified', async () => {
    const path = join(await tempDir('gh-notify-migration-'), 'gatehouse.db');
    const db = await Database.open(path);
    try {
      const before = MIGRATIONS.filter((m) => m.version < 10);
      for (const m of before) await db.exec(m.sql);
      await db.run(`PRAGMA user_version = ${Math.max(...before.map((m) => m.version))}`);
      await db.run(
        `INSERT INTO audit_events (seq, ts, actor, type, payload, prev_hash, hash)
         VALUES (1, 1, 'os:root', 'grant.revoke', '{"grantId":1,"reason":"old"}', ?, ?)`,
        ['0'.repeat(64), '1'.repeat(64)],
      );
    } finally {
      await db.close();
    }
    const store = await openStore(path);
    try {
      await store.audit.append(sampleAuditEvents['grant.revoke'], 'os:root');
      const seen: NotifiedEvent[] = [];
      expect(await store.notifications.enqueue(10, planFor(['a'], seen))).toEqual({
        queued: 1,
        more: false,
      });
      expect(seen.map((e) => e.record.seq)).toEqual([2]);
    } finally {
      await store.close();
    }
  });
});

describeEachStore('NotificationRepository', (t) => {
  it('queues a bounded page per call, once per webhook, and moves past events nobody is sent', async () => {
    const { ndaA } = await seed(t.store); // not notifiable: user, nda and target events
    const grant = await t.store.grants.add(grantFor(ndaA.id), MAX, T0, 'os:root');
    await t.store.grants.revoke(grant.id, 'done', T0, 'os:root');
    await t.store.audit.append(sampleAuditEvents['request.created'], 'user:alice');
    await t.store.audit.append(
      auditEvents.userDisable({ user: 'bob', userId: 2 as UserId }),
      'os:root',
    );

    const seen: NotifiedEvent[] = [];
    const plan = planFor(['a', 'b'], seen);
    expect(await t.store.notifications.enqueue(2, plan)).toEqual({ queued: 4, more: true });
    expect(await t.store.notifications.enqueue(2, plan)).toEqual({ queued: 2, more: false });
    expect(await t.store.notifications.enqueue(2, plan)).toEqual({ queued: 0, more: false });
    expect(seen.map((e) => e.record.type)).toEqual([
      'grant.create',
      'grant.revoke',
      'request.created',
    ]);
    // grant.revoke names only the grant: the store says whose grant on which target.
    expect(seen[1]?.subject).toEqual({
      user: 'alice',
      target: 'db1',
      requestId: null,
      grantId: grant.id,
      sessionId: null,
    });
    expect(await t.store.notifications.pending()).toBe(6);
  });

  it('says whose request an approval and its grant are about, though their payloads name only ids', async () => {
    const { ndaA } = await seed(t.store);
    const request = await t.store.requests.create(
      {
        kind: 'grant',
        userName: 'alice',
        targetName: 'db1',
        grantId: null,
        ndaId: ndaA.id,
        mode: { kind: 'shell' },
        durationMs: HOUR,
        reason: 'INC-4211',
        rule: 'db-shell',
        approvalsRequired: 1,
        expiresAt: T0 + HOUR,
      },
      null,
      T0,
      'user:alice',
    );
    const approved = await t.store.requests.approve(
      request.id,
      { approver: 'carol', note: 'ok', durationMs: null, confirmations: {} },
      () => ({ ok: true, approvalsRequired: 1, ruleMaxMs: HOUR, maxDurationMs: MAX }),
      T0,
      'reviewer:carol',
    );
    const seen: NotifiedEvent[] = [];
    await t.store.notifications.enqueue(10, planFor(['a'], seen));
    // Looked up when queued: by then the request has its grant.
    const subject = {
      user: 'alice',
      target: 'db1',
      requestId: request.id,
      grantId: approved.grantId,
      sessionId: null,
    };
    expect(seen.map((e) => [e.record.type, e.subject])).toEqual([
      ['request.created', subject],
      ['request.approved', subject],
      ['grant.create', subject],
    ]);
  });

  it('claims due rows with a lease, and finishes them delivered or failed; prune drops finished ones', async () => {
    await t.store.audit.append(sampleAuditEvents['grant.revoke'], 'os:root');
    await t.store.audit.append(sampleAuditEvents['session.kill'], 'os:root');
    await t.store.notifications.enqueue(10, planFor(['a']));

    const claimed = await t.store.notifications.claim(T0, 10, T0 + 60_000);
    expect(claimed.map((n) => [n.event, n.attempts, n.deliveryId])).toEqual([
      ['grant.revoke', 1, 'a-1'],
      ['session.kill', 1, 'a-2'],
    ]);
    expect(await t.store.notifications.claim(T0 + 59_999, 10, T0 + 120_000)).toEqual([]);
    const [first, second] = claimed;
    await t.store.notifications.delivered(first!.id, T0 + 1);
    await t.store.notifications.retryAt(second!.id, T0 + 5000, 'HTTP 500');
    const again = await t.store.notifications.claim(T0 + 5000, 10, T0 + 70_000);
    expect(again.map((n) => [n.id, n.attempts])).toEqual([[second!.id, 2]]);
    await t.store.notifications.failed(second!.id, T0 + 5001, 'HTTP 500');
    expect(await t.store.notifications.pending()).toBe(0);
    expect(await t.store.notifications.claim(T0 + 999_999, 10, T0 + 999_999)).toEqual([]);

    await t.store.notifications.prune(T0 + 2);
    expect(
      await t.withConnection((db) => db.all('SELECT status, problem FROM notify_outbox')),
    ).toEqual([{ status: 'failed', problem: 'HTTP 500' }]);
  });
});
