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
 * with an allowed grant). A plain login of a known, enabled user with their key succeeds even
 * without a usable grant, so they can ask for one (gatehouse's own commands); its choices are
 * then empty.
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
  for (const facts of all.perTarget) {
    const c = choiceOf(facts, now);
    if (typeof c !== 'string') choices.push(c);
  }
  const refused = userDenial(all.base, now);
  if (refused !== null || all.base.user === null)
    return { ok: false, reason: refused ?? 'user.unknown' };
  choices.sort((a, b) => a.target.name.localeCompare(b.target.name));
  return { ok: true, user: all.base.user, choices };
}

/** Why the user and key alone do not allow a login (unknown, disabled, not their key), or null. */
function userDenial(base: AccessFacts, now: EpochMs): AccessDenialReason | null {
  const d = decideAccess(base, now);
  // `base` names no target: a user and key that pass stop at "target unknown".
  return d.ok || d.reason === 'target.unknown' ? null : d.reason;
}

/**
 * Re-checks the user and key of a logged-in connection before one of gatehouse's own commands: a
 * user disabled (or a key removed) since the login is refused, as a new login would be.
 */
export async function recheckUser(
  gate: AccessGate,
  userName: string,
  fingerprint: string,
  now: EpochMs,
): Promise<AccessDenialReason | null> {
  const facts = await gate.loadKeyFacts(userName, fingerprint);
  return facts.user === null ? 'user.unknown' : userDenial(facts, now);
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
