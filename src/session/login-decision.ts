import {
  decideAccess,
  decideKeyOwner,
  type AccessDenialReason,
  type AccessFacts,
  type KeyOwnerDecision,
} from '../core/access-policy.js';
import type { Choice } from '../core/login.js';
import type { EpochMs, Grant, User } from '../core/model.js';
import type { AccessGate } from './ports.js';

export type LoginDenialReason = AccessDenialReason | 'login.invalid' | 'signature.invalid';

export type LoginDecision =
  | { readonly ok: true; readonly user: User; readonly choices: readonly Choice[] }
  | { readonly ok: false; readonly reason: LoginDenialReason };

function choiceOf(facts: AccessFacts, now: EpochMs): Choice | AccessDenialReason {
  const d = decideAccess(facts, now);
  if (!d.ok) return d.reason;
  if (facts.target === null) return 'target.unknown';
  return { target: facts.target, grant: d.grant, nda: d.nda };
}

/**
 * An unsigned key probe is answered on the user and the key alone (decideKeyOwner): `alice+db1`
 * and `alice+db2` get the same answer whatever alice's grants, and an unknown user the same as a
 * known user offering a key that is not theirs.
 */
export async function decideKeyProbe(
  gate: AccessGate,
  userName: string,
  fingerprint: string,
): Promise<KeyOwnerDecision> {
  return decideKeyOwner(await gate.loadKeyFacts(userName, fingerprint));
}

/**
 * After the signature: decideAccess for `user+target` (one choice) or plain `user` (every target
 * with an allowed grant). The first denial reason is reported when nothing is allowed.
 */
export async function decideLogin(
  gate: AccessGate,
  login: { readonly user: string; readonly target: string | null },
  fingerprint: string,
  now: EpochMs,
): Promise<LoginDecision> {
  if (login.target !== null) {
    const facts = await gate.loadFacts(login.user, login.target, fingerprint);
    const c = choiceOf(facts, now);
    if (typeof c === 'string') return { ok: false, reason: c };
    return { ok: true, user: facts.user as User, choices: [c] };
  }
  const all = await gate.loadFactsForAllTargets(login.user, fingerprint);
  const choices: Choice[] = [];
  let firstDenial: AccessDenialReason | null = null;
  for (const facts of all.perTarget) {
    const c = choiceOf(facts, now);
    if (typeof c === 'string') firstDenial ??= c;
    else choices.push(c);
  }
  if (choices.length > 0 && all.base.user !== null) {
    choices.sort((a, b) => a.target.name.localeCompare(b.target.name));
    return { ok: true, user: all.base.user, choices };
  }
  const base = decideAccess(all.base, now);
  // With the user and key fine, a plain login without usable grants is "no grant".
  const baseReason = base.ok || base.reason === 'target.unknown' ? null : base.reason;
  return { ok: false, reason: baseReason ?? firstDenial ?? 'grant.none' };
}

/** Re-check one grant (the watcher, and each new channel): only that grant counts. */
export async function recheckGrant(
  gate: AccessGate,
  userName: string,
  targetName: string,
  fingerprint: string,
  grant: Grant,
  now: EpochMs,
): Promise<
  | { readonly ok: true; readonly grant: Grant }
  | { readonly ok: false; readonly reason: AccessDenialReason }
> {
  const facts = await gate.loadFacts(userName, targetName, fingerprint);
  const only: AccessFacts = { ...facts, grants: facts.grants.filter((g) => g.id === grant.id) };
  const d = decideAccess(only, now);
  return d.ok ? { ok: true, grant: d.grant } : { ok: false, reason: d.reason };
}
