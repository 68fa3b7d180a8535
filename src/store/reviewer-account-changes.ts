/**
 * An admin's changes to a review page account that end its web sessions at once: disable,
 * enable, password reset, remove. Each runs inside the caller's write transaction with its
 * audit event, so a failed write changes nothing.
 */
import { auditEvents } from '../core/audit-events.js';
import { GatehouseError } from '../core/errors.js';
import { quoteForMessage } from '../core/names.js';
import type { Actor } from '../core/ports.js';
import type { Reviewer, ReviewerAccountChange } from '../core/reviewer.js';
import { appendAuditEvent } from './audit-chain.js';
import type { SqlConnection } from './sql-connection.js';
import { reviewerFromRow, type ReviewerRow } from './reviewer-rows.js';

async function requireRow(db: SqlConnection, name: string): Promise<ReviewerRow> {
  const row = await db.get<ReviewerRow>('SELECT * FROM reviewers WHERE name = ?', [name]);
  if (!row) {
    throw new GatehouseError('not_found', `reviewer: no reviewer named ${quoteForMessage(name)}`);
  }
  return row;
}

/** Deletes the account's stored web sessions; how many there were. */
async function endSessions(db: SqlConnection, reviewerId: number): Promise<number> {
  return (await db.run('DELETE FROM reviewer_sessions WHERE reviewer_id = ?', [reviewerId]))
    .changes;
}

/** Unused one-time links stop working: a disabled or removed account keeps none for later. */
async function dropUnusedLinks(db: SqlConnection, reviewerId: number): Promise<void> {
  await db.run('DELETE FROM reviewer_login_tokens WHERE reviewer_id = ? AND used_at IS NULL', [
    reviewerId,
  ]);
}

async function reread(db: SqlConnection, id: number): Promise<Reviewer> {
  const row = await db.get<ReviewerRow>('SELECT * FROM reviewers WHERE id = ?', [id]);
  if (!row) throw new Error('reviewers row vanished inside its transaction');
  return reviewerFromRow(row);
}

/** Disables (or enables) an account; nothing is written when it is already so. */
export async function setReviewerDisabled(
  db: SqlConnection,
  name: string,
  disabled: boolean,
  actor: Actor,
  now: number,
): Promise<ReviewerAccountChange> {
  const row = await requireRow(db, name);
  if ((row.disabled_at !== null) === disabled) {
    return { reviewer: reviewerFromRow(row), sessionsEnded: 0, changed: false };
  }
  if (!disabled) {
    await db.run('UPDATE reviewers SET disabled_at = NULL WHERE id = ?', [row.id]);
    await appendAuditEvent(
      db,
      auditEvents.reviewerEnable({ reviewer: name, sessionsEnded: 0 }),
      actor,
      now,
    );
    return { reviewer: await reread(db, row.id), sessionsEnded: 0, changed: true };
  }
  await db.run('UPDATE reviewers SET disabled_at = ? WHERE id = ?', [now, row.id]);
  const sessionsEnded = await endSessions(db, row.id);
  await dropUnusedLinks(db, row.id);
  await appendAuditEvent(
    db,
    auditEvents.reviewerDisable({ reviewer: name, sessionsEnded }),
    actor,
    now,
  );
  return { reviewer: await reread(db, row.id), sessionsEnded, changed: true };
}

/** Replaces the password (a link-only account gets one); the account's web sessions end. */
export async function resetReviewerPassword(
  db: SqlConnection,
  name: string,
  passwordHash: string,
  actor: Actor,
  now: number,
): Promise<ReviewerAccountChange> {
  const row = await requireRow(db, name);
  await db.run('UPDATE reviewers SET password_hash = ? WHERE id = ?', [passwordHash, row.id]);
  const sessionsEnded = await endSessions(db, row.id);
  await appendAuditEvent(
    db,
    auditEvents.reviewerPasswordReset({ reviewer: name, sessionsEnded }),
    actor,
    now,
  );
  return { reviewer: await reread(db, row.id), sessionsEnded, changed: true };
}

/**
 * Deletes the account with its sessions and links (used links included: they name it). The audit
 * trail keeps its name; a later `reviewer add` of the same name is a new account.
 */
export async function removeReviewer(
  db: SqlConnection,
  name: string,
  actor: Actor,
  now: number,
): Promise<ReviewerAccountChange> {
  const row = await requireRow(db, name);
  const sessionsEnded = await endSessions(db, row.id);
  await db.run('DELETE FROM reviewer_login_tokens WHERE reviewer_id = ?', [row.id]);
  await db.run('DELETE FROM reviewers WHERE id = ?', [row.id]);
  await appendAuditEvent(
    db,
    auditEvents.reviewerRemove({ reviewer: name, sessionsEnded }),
    actor,
    now,
  );
  return { reviewer: reviewerFromRow(row), sessionsEnded, changed: true };
}
