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

type GrantDenial = Extract<AccessDenialReason, `grant.${string}` | `nda.${string}`>;

/**
 * When no grant allows the login, the reported reason comes from the grant that is closest to
 * being usable, because that is the one an admin will want to fix: a live grant whose NDA is the
 * problem, then a grant that has not started yet, then one that has expired, and last a revoked
 * one (deliberately ended, the least interesting). Earlier in this list wins.
 */
const DENIAL_RANK: readonly GrantDenial[] = [
  'nda.revoked',
  'nda.expired',
  'nda.not_yet_signed',
  'nda.missing',
  'grant.not_started',
  'grant.expired',
  'grant.revoked',
];

/**
 * Why one grant does not allow access at `now`, or null when it does. Revocation is checked
 * before the window: a revoked grant never becomes valid again, whatever the clock says.
 * Any non-null revokedAt counts, even one later than `now` (clock skew between nodes).
 */
function grantDenial(grant: Grant, nda: Nda | undefined, now: EpochMs): GrantDenial | null {
  if (grant.revokedAt !== null) return 'grant.revoked';
  if (now < grant.startsAt) return 'grant.not_started';
  if (now >= grant.endsAt) return 'grant.expired';
  if (nda === undefined) return 'nda.missing';
  if (nda.revokedAt !== null) return 'nda.revoked';
  if (nda.signedAt > now) return 'nda.not_yet_signed';
  if (nda.expiresAt !== null && now >= nda.expiresAt) return 'nda.expired';
  return null;
}

type KeyFacts = Pick<AccessFacts, 'user' | 'keyFingerprint' | 'userKeys'>;

export type KeyOwnerDecision =
  { readonly ok: true } | { readonly ok: false; readonly reason: 'user.unknown' | 'key.unknown' };

const holdsKey = (user: User, facts: KeyFacts): boolean =>
  facts.userKeys.some((k) => k.userId === user.id && k.fingerprint === facts.keyFingerprint);

/**
 * All an unsigned key probe is told: whether the key is one of the user's keys. Whether the user
 * is disabled, the target exists or a grant allows it is decided only after the signature
 * (decideAccess), so a public key alone reveals nothing about targets and grants.
 */
export function decideKeyOwner(facts: KeyFacts): KeyOwnerDecision {
  if (facts.user === null) return { ok: false, reason: 'user.unknown' };
  return holdsKey(facts.user, facts) ? { ok: true } : { ok: false, reason: 'key.unknown' };
}

export function decideAccess(facts: AccessFacts, now: EpochMs): AccessDecision {
  const { user, target } = facts;
  if (user === null) return { ok: false, reason: 'user.unknown' };
  if (user.disabled) return { ok: false, reason: 'user.disabled' };
  if (!holdsKey(user, facts)) return { ok: false, reason: 'key.unknown' };
  if (target === null) return { ok: false, reason: 'target.unknown' };
  if (target.kind !== 'command' && target.hostKey === null)
    return { ok: false, reason: 'target.unpinned' };

  let best: { grant: Grant; nda: Nda } | null = null;
  let denial: GrantDenial | null = null;
  for (const grant of facts.grants) {
    // Defence in depth: the caller should only pass this user's grants for this target.
    if (grant.userId !== user.id || grant.targetId !== target.id) continue;
    const nda = facts.ndas.find((n) => n.id === grant.ndaId && n.userId === user.id);
    const why = grantDenial(grant, nda, now);
    if (why === null && nda !== undefined) {
      const better =
        best === null ||
        grant.endsAt > best.grant.endsAt ||
        (grant.endsAt === best.grant.endsAt && grant.id > best.grant.id);
      if (better) best = { grant, nda };
    } else if (
      why !== null &&
      (denial === null || DENIAL_RANK.indexOf(why) < DENIAL_RANK.indexOf(denial))
    ) {
      denial = why;
    }
  }
  if (best !== null)
    return { ok: true, permit: toPermit(best.grant), grant: best.grant, nda: best.nda };
  return { ok: false, reason: denial ?? 'grant.none' };
}

function toPermit(grant: Grant): Permit {
  return {
    grantId: grant.id,
    userId: grant.userId,
    targetId: grant.targetId,
    ndaId: grant.ndaId,
    mode: grant.mode,
    allowlist: grant.allowlist,
    endsAt: grant.endsAt,
  };
}
