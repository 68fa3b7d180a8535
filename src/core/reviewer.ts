/** Reviewers (people who replay recordings in the web page) and the queries the review page needs. */
import type { ReviewerLoginMethod } from './audit-payloads.js';
import type { EpochMs, GrantId, Session } from './model.js';
import type { ThrottleScope } from './reviewer-login.js';
import type { TransferTotals } from './transfer-entries.js';
import type { ReviewerRole } from './reviewer-role.js';

export interface Reviewer {
  readonly id: number;
  readonly name: string;
  /** At least one; canonical order (canonicalRoles). */
  readonly roles: readonly ReviewerRole[];
  readonly createdAt: EpochMs;
  readonly createdBy: string;
  /** When an admin disabled the account (no login by password or link), or null. */
  readonly disabledAt: EpochMs | null;
}

/** What an admin's change to an account did (reviewer disable, enable, reset-password, remove). */
export interface ReviewerAccountChange {
  /** The account after the change (as it was, for remove). */
  readonly reviewer: Reviewer;
  /** Its stored review page sessions deleted by the change: logged out at once. */
  readonly sessionsEnded: number;
  /** false: nothing to do (already disabled or enabled); nothing was written. */
  readonly changed: boolean;
}

export const hasRole = (reviewer: Reviewer, role: ReviewerRole): boolean =>
  reviewer.roles.includes(role);

/** A reviewer with the stored password hash (null: the reviewer logs in with one-time links only). */
export interface ReviewerCredentials {
  readonly reviewer: Reviewer;
  readonly passwordHash: string | null;
}

/**
 * One page of the review page's session list: live sessions first, then the rest, each newest
 * first. Every field but offset and limit optional; all given must match.
 */
export interface SessionListQuery {
  readonly userName?: string;
  readonly targetName?: string;
  readonly grantId?: GrantId;
  /** Sessions started at or after this time. */
  readonly from?: EpochMs;
  /** Sessions started before this time. */
  readonly to?: EpochMs;
  /** Only sessions an alert rule flagged. */
  readonly flagged?: boolean;
  /** Only live sessions. */
  readonly live?: boolean;
  /** Only sessions of this kind (core/session-summary.ts, or `sftp`). */
  readonly kind?: string;
  readonly offset: number;
  readonly limit: number;
}

export interface SessionListPage {
  readonly sessions: readonly ReviewSession[];
  /** Every session the filters match, on all pages. */
  readonly total: number;
}

export interface ReviewSession extends Session {
  readonly userName: string;
  readonly targetName: string;
  /** Files a transfer session moved and their bytes (migration 17); zeros for any other. */
  readonly transfers: TransferTotals;
}

/** A password check about to run, counted against its source and the account it names. */
export interface LoginAttempt {
  /** `loginSource` of the client address (core/reviewer-login.ts). */
  readonly source: string;
  /** The typed name when it could name a reviewer, else null (counted per source only). */
  readonly account: string | null;
}

/** ok: the attempt is counted and may be checked; else refused before any check. */
export type LoginReservation =
  | { readonly ok: true; readonly id: number }
  | {
      readonly ok: false;
      readonly scope: ThrottleScope;
      /** The source's first throttled refusal in its window: the one that is audited. */
      readonly firstRefusal: boolean;
    };

export interface NewReviewerSession {
  /** sha256 of the cookie's token (the token itself is never stored). */
  readonly tokenSha256: string;
  readonly reviewer: Reviewer;
  readonly method: ReviewerLoginMethod;
  readonly remoteAddr: string;
  /** The session the request's old cookie named, ended with this login (no logout event). */
  readonly replaces: string | null;
}

/** The audit actor of a logged-in reviewer. */
export const reviewerActor = (name: string): string => `reviewer:${name}`;

/** The audit actor of a review page login before it succeeded (the typed name is in the payload). */
export const UNKNOWN_WEB_ACTOR = 'web:unknown';
