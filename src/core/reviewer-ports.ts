/**
 * The review page's accounts and logins as the store ports (re-exported by ports.ts): accounts,
 * their one-time links and what the review page reads; the password throttle and web sessions.
 */
import type { Actor, AuditRecord, EpochMs, SessionId } from './model.js';
import type {
  LoginAttempt,
  LoginReservation,
  NewReviewerSession,
  Reviewer,
  ReviewerAccountChange,
  ReviewerCredentials,
  ReviewSession,
  SessionListPage,
  SessionListQuery,
} from './reviewer.js';
import type { LoginThrottlePolicy, ReviewerSessionTimeouts } from './reviewer-login.js';
import type { ReviewerRole } from './reviewer-role.js';

export interface ReviewerRepository {
  /**
   * Creates a review page account (audit reviewer.create) with its roles (default: reviewer).
   * Conflict when the name exists; invalid with no role.
   */
  add(
    name: string,
    passwordHash: string | null,
    actor: Actor,
    roles?: readonly ReviewerRole[],
  ): Promise<Reviewer>;
  /**
   * Replaces an account's roles (audit reviewer.set; nothing written when they are unchanged).
   * Its sessions keep going and are checked against the new roles at their next request.
   */
  setRoles(name: string, roles: readonly ReviewerRole[], actor: Actor): Promise<Reviewer>;
  /**
   * Disables or enables an account (audit reviewer.disable / reviewer.enable; nothing written when
   * it already is so). Disabling deletes its web sessions and unused links in the same transaction.
   */
  setDisabled(name: string, disabled: boolean, actor: Actor): Promise<ReviewerAccountChange>;
  /** Replaces the password hash and deletes the account's web sessions (reviewer.password.reset). */
  resetPassword(name: string, passwordHash: string, actor: Actor): Promise<ReviewerAccountChange>;
  /** Deletes the account, its web sessions and links (reviewer.remove). */
  remove(name: string, actor: Actor): Promise<ReviewerAccountChange>;
  findByName(name: string): Promise<ReviewerCredentials | null>;
  get(id: number): Promise<Reviewer | null>;
  list(): Promise<Reviewer[]>;
  /**
   * Stores a one-time login token by its sha256 (the token itself is never stored), with its
   * reviewer.link.create event. Refused (invalid) for a disabled account.
   */
  addLoginToken(name: string, tokenSha256: string, expiresAt: EpochMs, actor: Actor): Promise<void>;
  /**
   * Uses a one-time token: when it exists, is unused and not expired at `now` and its account is
   * not disabled, marks it used in the same transaction and returns its reviewer; otherwise null.
   */
  useLoginToken(tokenSha256: string, now: EpochMs): Promise<Reviewer | null>;
  /** The review page's session list: one page and the total, on indexed columns only. */
  sessionPage(query: SessionListQuery): Promise<SessionListPage>;
  session(id: SessionId): Promise<ReviewSession | null>;
  /** Audit events whose payload names the session (`sessionId` or `session`), oldest first. */
  sessionEvents(id: SessionId, limit?: number): Promise<AuditRecord[]>;
}

/** The review page's logins: the password throttle's counts and the reviewers' sessions. */
export interface ReviewerLoginRepository {
  /**
   * In one transaction: counts the source's and the account's failures within their windows and,
   * when neither limit is reached, records this attempt as a failure until released. Called
   * before the password is checked, so parallel attempts cannot all pass the count.
   */
  reserveAttempt(
    attempt: LoginAttempt,
    now: EpochMs,
    policy: LoginThrottlePolicy,
  ): Promise<LoginReservation>;
  /** The password was right: the reserved attempt stops counting. */
  releaseAttempt(id: number): Promise<void>;
  /** Creates the session with its reviewer.login event (one transaction); drops expired ones. */
  startSession(
    session: NewReviewerSession,
    now: EpochMs,
    timeouts: ReviewerSessionTimeouts,
  ): Promise<void>;
  /** The reviewer of a live session, now marked used; an expired session is deleted (null). */
  findSession(
    tokenSha256: string,
    now: EpochMs,
    timeouts: ReviewerSessionTimeouts,
  ): Promise<Reviewer | null>;
  /** Deletes the session with its reviewer.logout event; null when there was none. */
  endSession(tokenSha256: string): Promise<Reviewer | null>;
}
