/** A `reviewers` row and the account it is. */
import type { Reviewer } from '../core/reviewer.js';
import { canonicalRoles, isReviewerRole, type ReviewerRole } from '../core/reviewer-role.js';

export interface ReviewerRow {
  id: number;
  name: string;
  password_hash: string | null;
  roles: string;
  created_by: string;
  created_at: number;
  disabled_at: number | null;
}

/** The stored roles; anything unknown grants nothing (fail closed). */
function rolesFromColumn(text: string): ReviewerRole[] {
  const parsed: unknown = JSON.parse(text);
  const listed = Array.isArray(parsed)
    ? parsed.filter((x): x is string => typeof x === 'string')
    : [];
  return canonicalRoles(listed.filter(isReviewerRole));
}

export const reviewerFromRow = (r: ReviewerRow): Reviewer => ({
  id: r.id,
  name: r.name,
  roles: rolesFromColumn(r.roles),
  createdAt: r.created_at,
  createdBy: r.created_by,
  disabledAt: r.disabled_at,
});
