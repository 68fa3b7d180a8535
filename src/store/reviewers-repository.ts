/** Reviewer accounts, one-time login tokens, and the read-only queries of the review page. */
import { GatehouseError } from '../core/errors.js';
import type { AuditRecord, EpochMs, SessionId } from '../core/model.js';
import { quoteForMessage } from '../core/names.js';
import type { Actor, ReviewerRepository } from '../core/ports.js';
import { canonicalRoles, type ReviewerRole } from '../core/reviewer-role.js';
import type {
  Reviewer,
  ReviewerAccountChange,
  ReviewerCredentials,
  ReviewSession,
  SessionListPage,
  SessionListQuery,
} from '../core/reviewer.js';
import { auditEvents } from '../core/audit-events.js';
import { appendAuditEvent } from './audit-chain.js';
import {
  removeReviewer,
  resetReviewerPassword,
  setReviewerDisabled,
} from './reviewer-account-changes.js';
import type { StoreContext } from './context.js';
import { reviewerFromRow, type ReviewerRow } from './reviewer-rows.js';
import { auditFromRow, type AuditRow } from './rows.js';
import {
  REVIEW_SESSION_SELECT,
  reviewSessionFromRow,
  sessionListPage,
  type ReviewSessionRow,
} from './session-list-page.js';

const rolesColumn = (roles: readonly ReviewerRole[]): string =>
  JSON.stringify(canonicalRoles(roles));

function requireRoles(roles: readonly ReviewerRole[]): void {
  if (roles.length === 0)
    throw new GatehouseError('invalid', 'reviewer: an account needs at least one role');
}

export class SqliteReviewerRepository implements ReviewerRepository {
  constructor(private readonly ctx: StoreContext) {}

  add(
    name: string,
    passwordHash: string | null,
    actor: Actor,
    roles: readonly ReviewerRole[] = ['reviewer'],
  ): Promise<Reviewer> {
    return this.ctx.tx.write(async (db) => {
      requireRoles(roles);
      const exists = await db.get<{ id: number }>('SELECT id FROM reviewers WHERE name = ?', [
        name,
      ]);
      if (exists) {
        throw new GatehouseError(
          'conflict',
          `reviewer: a reviewer named ${quoteForMessage(name)} already exists`,
        );
      }
      const now = this.ctx.clock.now();
      const row = await db.get<ReviewerRow>(
        `INSERT INTO reviewers (name, password_hash, roles, created_by, created_at)
         VALUES (?, ?, ?, ?, ?) RETURNING *`,
        [name, passwordHash, rolesColumn(roles), actor, now],
      );
      if (!row) throw new Error('reviewers insert returned no row');
      const created = reviewerFromRow(row);
      await appendAuditEvent(
        db,
        auditEvents.reviewerCreate({
          reviewer: name,
          password: passwordHash !== null,
          roles: created.roles,
        }),
        actor,
        now,
      );
      return created;
    });
  }

  setRoles(name: string, roles: readonly ReviewerRole[], actor: Actor): Promise<Reviewer> {
    return this.ctx.tx.write(async (db) => {
      requireRoles(roles);
      const row = await db.get<ReviewerRow>('SELECT * FROM reviewers WHERE name = ?', [name]);
      if (!row) {
        throw new GatehouseError(
          'not_found',
          `reviewer: no reviewer named ${quoteForMessage(name)}`,
        );
      }
      const before = reviewerFromRow(row);
      const after = canonicalRoles(roles);
      if (after.join(',') === before.roles.join(',')) return before;
      const updated = await db.get<ReviewerRow>(
        'UPDATE reviewers SET roles = ? WHERE id = ? RETURNING *',
        [rolesColumn(after), row.id],
      );
      if (!updated) throw new Error('reviewers update returned no row');
      await appendAuditEvent(
        db,
        auditEvents.reviewerSet({ reviewer: name, roles: after, previousRoles: before.roles }),
        actor,
        this.ctx.clock.now(),
      );
      return reviewerFromRow(updated);
    });
  }

  setDisabled(name: string, disabled: boolean, actor: Actor): Promise<ReviewerAccountChange> {
    return this.ctx.tx.write((db) =>
      setReviewerDisabled(db, name, disabled, actor, this.ctx.clock.now()),
    );
  }

  resetPassword(name: string, passwordHash: string, actor: Actor): Promise<ReviewerAccountChange> {
    return this.ctx.tx.write((db) =>
      resetReviewerPassword(db, name, passwordHash, actor, this.ctx.clock.now()),
    );
  }

  remove(name: string, actor: Actor): Promise<ReviewerAccountChange> {
    return this.ctx.tx.write((db) => removeReviewer(db, name, actor, this.ctx.clock.now()));
  }

  findByName(name: string): Promise<ReviewerCredentials | null> {
    return this.ctx.tx.read(async (db) => {
      const row = await db.get<ReviewerRow>('SELECT * FROM reviewers WHERE name = ?', [name]);
      return row ? { reviewer: reviewerFromRow(row), passwordHash: row.password_hash } : null;
    });
  }

  get(id: number): Promise<Reviewer | null> {
    return this.ctx.tx.read(async (db) => {
      const row = await db.get<ReviewerRow>('SELECT * FROM reviewers WHERE id = ?', [id]);
      return row ? reviewerFromRow(row) : null;
    });
  }

  list(): Promise<Reviewer[]> {
    return this.ctx.tx.read(async (db) =>
      (await db.all<ReviewerRow>('SELECT * FROM reviewers ORDER BY name')).map(reviewerFromRow),
    );
  }

  addLoginToken(
    name: string,
    tokenSha256: string,
    expiresAt: EpochMs,
    actor: Actor,
  ): Promise<void> {
    return this.ctx.tx.write(async (db) => {
      const reviewer = await db.get<{ id: number; disabled_at: number | null }>(
        'SELECT id, disabled_at FROM reviewers WHERE name = ?',
        [name],
      );
      if (!reviewer) {
        throw new GatehouseError(
          'not_found',
          `reviewer: no reviewer named ${quoteForMessage(name)}`,
        );
      }
      if (reviewer.disabled_at !== null) {
        throw new GatehouseError(
          'invalid',
          `reviewer: ${quoteForMessage(name)} is disabled; enable it first`,
        );
      }
      const now = this.ctx.clock.now();
      await db.run(
        `INSERT INTO reviewer_login_tokens (token_sha256, reviewer_id, created_at, expires_at)
         VALUES (?, ?, ?, ?)`,
        [tokenSha256, reviewer.id, now, expiresAt],
      );
      await appendAuditEvent(
        db,
        auditEvents.reviewerLinkCreate({ reviewer: name, expiresAt }),
        actor,
        now,
      );
    });
  }

  useLoginToken(tokenSha256: string, now: EpochMs): Promise<Reviewer | null> {
    return this.ctx.tx.write(async (db) => {
      const used = await db.get<{ reviewer_id: number }>(
        `UPDATE reviewer_login_tokens SET used_at = ?
         WHERE token_sha256 = ? AND used_at IS NULL AND expires_at > ? RETURNING reviewer_id`,
        [now, tokenSha256, now],
      );
      if (!used) return null;
      const row = await db.get<ReviewerRow>(
        'SELECT * FROM reviewers WHERE id = ? AND disabled_at IS NULL',
        [used.reviewer_id],
      );
      return row ? reviewerFromRow(row) : null;
    });
  }

  sessionPage(query: SessionListQuery): Promise<SessionListPage> {
    return this.ctx.tx.read((db) => sessionListPage(db, query));
  }

  session(id: SessionId): Promise<ReviewSession | null> {
    return this.ctx.tx.read(async (db) => {
      const row = await db.get<ReviewSessionRow>(`${REVIEW_SESSION_SELECT} WHERE s.id = ?`, [id]);
      return row ? reviewSessionFromRow(row) : null;
    });
  }

  /** A scan of the audit table; rows made unparsable by hand are skipped, not fatal. */
  sessionEvents(id: SessionId, limit = 1000): Promise<AuditRecord[]> {
    return this.ctx.tx.read(async (db) =>
      (
        await db.all<AuditRow>(
          `SELECT * FROM audit_events
           WHERE ? IN (${db.dialect.jsonField('payload', 'sessionId')},
             ${db.dialect.jsonField('payload', 'session')})
           ORDER BY seq LIMIT ?`,
          [id, Math.max(1, Math.floor(limit))],
        )
      ).map(auditFromRow),
    );
  }
}
