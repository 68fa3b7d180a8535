/** The roles of review page accounts. */

/**
 * What a review page account may use: `reviewer` the sessions, replays and search; `approver`
 * the access requests (issue 14). One account may have both.
 */
export type ReviewerRole = 'reviewer' | 'approver';

export const REVIEWER_ROLES: readonly ReviewerRole[] = ['reviewer', 'approver'];

export const isReviewerRole = (text: string): text is ReviewerRole =>
  (REVIEWER_ROLES as readonly string[]).includes(text);

/** Roles in one order, each once: how they are stored, shown and compared. */
export const canonicalRoles = (roles: readonly ReviewerRole[]): ReviewerRole[] =>
  REVIEWER_ROLES.filter((role) => roles.includes(role));
