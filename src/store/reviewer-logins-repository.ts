/** The review page's logins: the password throttle's attempt counts and reviewer sessions. */
import { auditEvents } from '../core/audit-events.js';
import type { EpochMs } from '../core/model.js';
import type { ReviewerLoginRepository } from '../core/ports.js';
import {
  reviewerActor,
  type LoginAttempt,
  type LoginReservation,
  type NewReviewerSession,
  type Reviewer,
} from '../core/reviewer.js';
import {
  throttledBy,
  throttleHorizonMs,
  type LoginThrottlePolicy,
  type ReviewerSessionTimeouts,
} from '../core/reviewer-login.js';
import { appendAuditEvent } from './audit-chain.js';
import type { StoreContext } from './context.js';
import type { SqlConnection } from './sql-connection.js';
import { reviewerFromRow, type ReviewerRow } from './reviewer-rows.js';

/**
 * A session is live while used within the idle timeout and younger than the absolute one: the
 * `last_seen_at > ? AND created_at > ?` of the queries below, with these two parameters.
 */
const liveSince = (now: EpochMs, t: ReviewerSessionTimeouts): [number, number] => [
  now - t.idleMs,
  now - t.maxAgeMs,
];

const COUNT_BY_SOURCE = `SELECT count(*) AS n FROM reviewer_login_attempts
  WHERE source = ? AND at > ? AND throttled = 0`;
const COUNT_BY_ACCOUNT = `SELECT count(*) AS n FROM reviewer_login_attempts
  WHERE account = ? AND at > ? AND throttled = 0`;

async function count(db: SqlConnection, sql: string, key: string, since: EpochMs): Promise<number> {
  return (await db.get<{ n: number }>(sql, [key, since]))?.n ?? 0;
}

export class SqliteReviewerLoginRepository implements ReviewerLoginRepository {
  constructor(private readonly ctx: StoreContext) {}

  reserveAttempt(
    attempt: LoginAttempt,
    now: EpochMs,
    policy: LoginThrottlePolicy,
  ): Promise<LoginReservation> {
    return this.ctx.tx.write(async (db) => {
      await db.run('DELETE FROM reviewer_login_attempts WHERE at <= ?', [
        now - throttleHorizonMs(policy),
      ]);
      const source = await count(
        db,
        COUNT_BY_SOURCE,
        attempt.source,
        now - policy.perSource.windowMs,
      );
      const account =
        attempt.account === null
          ? null
          : await count(db, COUNT_BY_ACCOUNT, attempt.account, now - policy.perAccount.windowMs);
      const scope = throttledBy({ source, account }, policy);
      if (scope === null) {
        const row = await db.get<{ id: number }>(
          'INSERT INTO reviewer_login_attempts (source, account, at) VALUES (?, ?, ?) RETURNING id',
          [attempt.source, attempt.account, now],
        );
        if (!row) throw new Error('reviewer_login_attempts insert returned no row');
        return { ok: true, id: row.id };
      }
      const noted = await db.get<{ id: number }>(
        `SELECT id FROM reviewer_login_attempts WHERE source = ? AND at > ? AND throttled = 1`,
        [attempt.source, now - policy.perSource.windowMs],
      );
      if (!noted) {
        await db.run(
          'INSERT INTO reviewer_login_attempts (source, account, at, throttled) VALUES (?, ?, ?, 1)',
          [attempt.source, attempt.account, now],
        );
      }
      return { ok: false, scope, firstRefusal: !noted };
    });
  }

  releaseAttempt(id: number): Promise<void> {
    return this.ctx.tx.write(async (db) => {
      await db.run('DELETE FROM reviewer_login_attempts WHERE id = ?', [id]);
    });
  }

  startSession(
    session: NewReviewerSession,
    now: EpochMs,
    timeouts: ReviewerSessionTimeouts,
  ): Promise<void> {
    return this.ctx.tx.write(async (db) => {
      await db.run(
        'DELETE FROM reviewer_sessions WHERE NOT (last_seen_at > ? AND created_at > ?)',
        liveSince(now, timeouts),
      );
      if (session.replaces !== null) {
        await db.run('DELETE FROM reviewer_sessions WHERE token_sha256 = ?', [session.replaces]);
      }
      await db.run(
        `INSERT INTO reviewer_sessions (token_sha256, reviewer_id, created_at, last_seen_at)
         VALUES (?, ?, ?, ?)`,
        [session.tokenSha256, session.reviewer.id, now, now],
      );
      const { reviewer, method, remoteAddr } = session;
      await appendAuditEvent(
        db,
        auditEvents.reviewerLogin({ reviewer: reviewer.name, method, remoteAddr }),
        reviewerActor(reviewer.name),
        this.ctx.clock.now(),
      );
    });
  }

  findSession(
    tokenSha256: string,
    now: EpochMs,
    timeouts: ReviewerSessionTimeouts,
  ): Promise<Reviewer | null> {
    return this.ctx.tx.write(async (db) => {
      const used = await db.get<{ reviewer_id: number }>(
        `UPDATE reviewer_sessions SET last_seen_at = ?
         WHERE token_sha256 = ? AND last_seen_at > ? AND created_at > ? RETURNING reviewer_id`,
        [now, tokenSha256, ...liveSince(now, timeouts)],
      );
      if (!used) {
        await db.run('DELETE FROM reviewer_sessions WHERE token_sha256 = ?', [tokenSha256]);
        return null;
      }
      const row = await db.get<ReviewerRow>(
        'SELECT * FROM reviewers WHERE id = ? AND disabled_at IS NULL',
        [used.reviewer_id],
      );
      if (!row) {
        // Disabling deletes the sessions; this holds should one outlive it (fail closed).
        await db.run('DELETE FROM reviewer_sessions WHERE token_sha256 = ?', [tokenSha256]);
        return null;
      }
      return reviewerFromRow(row);
    });
  }

  endSession(tokenSha256: string): Promise<Reviewer | null> {
    return this.ctx.tx.write(async (db) => {
      const ended = await db.get<ReviewerRow>(
        `SELECT r.* FROM reviewer_sessions s JOIN reviewers r ON r.id = s.reviewer_id
         WHERE s.token_sha256 = ?`,
        [tokenSha256],
      );
      if (!ended) return null;
      await db.run('DELETE FROM reviewer_sessions WHERE token_sha256 = ?', [tokenSha256]);
      await appendAuditEvent(
        db,
        auditEvents.reviewerLogout({ reviewer: ended.name }),
        reviewerActor(ended.name),
        this.ctx.clock.now(),
      );
      return reviewerFromRow(ended);
    });
  }
}
