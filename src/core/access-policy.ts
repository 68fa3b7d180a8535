import type { Grant, Nda, Permit, Target, User, UserKey, EpochMs } from './model.js';

/** What decideAccess looks at for one login attempt (or one watcher re-check). */
export interface AccessFacts {
  readonly user: User | null;
  /** SHA256 fingerprint of the key the client proved it holds. */
  readonly keyFingerprint: string;
  readonly userKeys: readonly UserKey[];
  /** The chosen target; null when the name is unknown. */
  readonly target: Target | null;
  /** Grants of the user for that target, in any state. */
  readonly grants: readonly Grant[];
  /** The NDAs those grants reference. */
  readonly ndas: readonly Nda[];
}

export type AccessDenialReason =
  | 'user.unknown'
  | 'user.disabled'
  | 'key.unknown'
  | 'target.unknown'
  | 'target.unpinned'
  | 'grant.none'
  | 'grant.not_started'
  | 'grant.expired'
  | 'grant.revoked'
  | 'nda.missing'
  | 'nda.not_yet_signed'
  | 'nda.expired'
  | 'nda.revoked';

export type AccessDecision =
  | { readonly ok: true; readonly permit: Permit; readonly grant: Grant; readonly nda: Nda }
  | { readonly ok: false; readonly reason: AccessDenialReason };

export function decideAccess(facts: AccessFacts, now: EpochMs): AccessDecision {
  // TODO(core helper)
  void facts;
  void now;
  return { ok: false, reason: 'grant.none' };
}
