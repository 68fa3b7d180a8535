/** Reviewers (people who replay recordings in the web page) and the queries the review page needs. */
import type { EpochMs, GrantId, Session } from './model.js';

export interface Reviewer {
  readonly id: number;
  readonly name: string;
  readonly createdAt: EpochMs;
  readonly createdBy: string;
}

/** A reviewer with the stored password hash (null: the reviewer logs in with one-time links only). */
export interface ReviewerCredentials {
  readonly reviewer: Reviewer;
  readonly passwordHash: string | null;
}

/** Filters of the review page's session list; every field optional, all must match. */
export interface ReviewSessionQuery {
  readonly userName?: string;
  readonly targetName?: string;
  readonly grantId?: GrantId;
  /** Sessions started at or after this time. */
  readonly from?: EpochMs;
  /** Sessions started before this time. */
  readonly to?: EpochMs;
  /** Newest first; default 200. */
  readonly limit?: number;
}

export interface ReviewSession extends Session {
  readonly userName: string;
  readonly targetName: string;
}
