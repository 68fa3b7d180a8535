/** The notification outbox and its cursor on the audit chain (migration 10, docs/notifications.md). */
import {
  NOTIFIABLE_EVENTS,
  type NewNotification,
  type Notification,
  type NotifiedEvent,
} from '../core/notification.js';
import type { EpochMs } from '../core/model.js';
import type { NotificationRepository } from '../core/ports.js';
import type { StoreContext } from './context.js';
import { eventSubject } from './event-subject.js';
import { auditFromRow, type AuditRow } from './rows.js';

interface OutboxRow {
  id: number;
  delivery_id: string;
  webhook: string;
  seq: number;
  event: string;
  body: string;
  attempts: number;
  created_at: number;
}

const fromRow = (r: OutboxRow): Notification => ({
  id: r.id,
  deliveryId: r.delivery_id,
  webhook: r.webhook,
  seq: r.seq,
  event: r.event as Notification['event'],
  body: r.body,
  attempts: r.attempts,
  createdAt: r.created_at,
});

const TYPES = JSON.stringify(NOTIFIABLE_EVENTS);

export class SqliteNotificationRepository implements NotificationRepository {
  constructor(private readonly ctx: StoreContext) {}

  async enqueue(
    limit: number,
    plan: (event: NotifiedEvent) => readonly NewNotification[],
  ): Promise<{ readonly queued: number; readonly more: boolean }> {
    // Nothing new: no write lock taken (serve looks every second).
    const behind = await this.ctx.tx.read((db) =>
      db.get<{ n: number }>(
        'SELECT EXISTS (SELECT 1 FROM audit_events WHERE seq > (SELECT seq FROM notify_cursor)) AS n',
      ),
    );
    if (behind?.n !== 1) return { queued: 0, more: false };
    return this.ctx.tx.write(async (db) => {
      const now = this.ctx.clock.now();
      const cursor = (await db.get<{ seq: number }>('SELECT seq FROM notify_cursor'))?.seq ?? 0;
      const head =
        (await db.get<{ seq: number | null }>('SELECT MAX(seq) AS seq FROM audit_events'))?.seq ??
        0;
      const rows = await db.all<AuditRow>(
        `SELECT * FROM audit_events WHERE seq > ? AND seq <= ?
           AND ${db.dialect.inJsonList('type', 'text')} ORDER BY seq LIMIT ?`,
        [cursor, head, TYPES, Math.max(1, Math.floor(limit))],
      );
      let queued = 0;
      for (const row of rows) {
        const record = auditFromRow(row);
        for (const n of plan({ record, subject: await eventSubject(db, record) })) {
          const inserted = await db.run(
            `INSERT INTO notify_outbox (delivery_id, webhook, seq, event, body, status, created_at, next_at)
             VALUES (?, ?, ?, ?, ?, 'pending', ?, ?) ON CONFLICT (webhook, seq) DO NOTHING`,
            [n.deliveryId, n.webhook, n.seq, n.event, n.body, now, now],
          );
          queued += inserted.changes;
        }
      }
      const more = rows.length >= limit;
      const next = more ? (rows.at(-1)?.seq ?? head) : head;
      await db.run('UPDATE notify_cursor SET seq = ? WHERE id = 1', [next]);
      return { queued, more };
    });
  }

  async claim(now: EpochMs, limit: number, leaseUntil: EpochMs): Promise<Notification[]> {
    const due = await this.ctx.tx.read((db) =>
      db.get<{ n: number }>(
        "SELECT EXISTS (SELECT 1 FROM notify_outbox WHERE status = 'pending' AND next_at <= ?) AS n",
        [now],
      ),
    );
    if (due?.n !== 1 || limit < 1) return [];
    return this.ctx.tx.write(async (db) =>
      (
        await db.all<OutboxRow>(
          `UPDATE notify_outbox SET attempts = attempts + 1, next_at = ?
           WHERE id IN (SELECT id FROM notify_outbox WHERE status = 'pending' AND next_at <= ?
                        ORDER BY next_at, id LIMIT ?)
           RETURNING id, delivery_id, webhook, seq, event, body, attempts, created_at`,
          [leaseUntil, now, Math.floor(limit)],
        )
      )
        .map(fromRow)
        .sort((a, b) => a.id - b.id),
    );
  }

  async delivered(id: number, now: EpochMs): Promise<void> {
    await this.finish(id, 'delivered', now, null);
  }

  async failed(id: number, now: EpochMs, problem: string): Promise<void> {
    await this.finish(id, 'failed', now, problem);
  }

  async retryAt(id: number, at: EpochMs, problem: string): Promise<void> {
    await this.ctx.tx.write((db) =>
      db.run(
        "UPDATE notify_outbox SET next_at = ?, problem = ? WHERE id = ? AND status = 'pending'",
        [at, problem, id],
      ),
    );
  }

  async pending(): Promise<number> {
    const row = await this.ctx.tx.read((db) =>
      db.get<{ n: number }>("SELECT COUNT(*) AS n FROM notify_outbox WHERE status = 'pending'"),
    );
    return row?.n ?? 0;
  }

  async prune(before: EpochMs): Promise<void> {
    await this.ctx.tx.write((db) =>
      db.run("DELETE FROM notify_outbox WHERE status <> 'pending' AND finished_at < ?", [before]),
    );
  }

  private async finish(
    id: number,
    status: 'delivered' | 'failed',
    now: EpochMs,
    problem: string | null,
  ): Promise<void> {
    await this.ctx.tx.write((db) =>
      db.run(
        `UPDATE notify_outbox SET status = ?, finished_at = ?, problem = COALESCE(?, problem)
         WHERE id = ? AND status = 'pending'`,
        [status, now, problem, id],
      ),
    );
  }
}
