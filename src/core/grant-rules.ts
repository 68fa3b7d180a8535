import { checkConfirmations, type Confirmation } from './checklist.js';
import { formatDuration } from './duration.js';
import type { EpochMs, GrantMode, Nda, Target, User } from './model.js';
import { formatTimestamp as iso } from './timestamp.js';

/** Everything the grant rules (DESIGN.md §2) look at; loaded inside the write transaction. */
export interface GrantRequestFacts {
  readonly user: User;
  readonly target: Target;
  /** null when no NDA has the requested id. */
  readonly nda: Nda | null;
  readonly startsAt: EpochMs;
  readonly endsAt: EpochMs;
  readonly mode: GrantMode;
  readonly allowlist: readonly string[];
  readonly maxDurationMs: number;
  readonly now: EpochMs;
  /** The target's checklist items confirmed (core/checklist.ts). */
  readonly confirmations: readonly Confirmation[];
}

/** `field` is the domain field at fault (GrantField). */
export type GrantRuleResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly field: GrantField; readonly message: string };

export type GrantField = 'user' | 'target' | 'nda' | 'window' | 'mode' | 'allowlist' | 'checklist';

const refuse = (field: GrantField, detail: string): GrantRuleResult => ({
  ok: false,
  field,
  message: `${field}: ${detail}`,
});

/**
 * The first broken rule, in the order an admin would fix them: who (user), under which NDA,
 * when (window, then whether the NDA covers it), where (target), what (mode), and last the
 * target's checklist (its items confirmed, each with a note).
 * Messages are one line, start with the field, and name the offending value.
 */
export function checkGrantRules(facts: GrantRequestFacts): GrantRuleResult {
  const { user, target, nda, startsAt, endsAt, now } = facts;
  if (user.disabled) return refuse('user', `${user.name} is disabled`);

  if (nda === null) return refuse('nda', 'no such NDA');
  if (nda.userId !== user.id) {
    return refuse('nda', `NDA ${nda.id} belongs to another user, not ${user.name}`);
  }
  if (nda.revokedAt !== null)
    return refuse('nda', `NDA ${nda.id} was revoked at ${iso(nda.revokedAt)}`);

  if (endsAt <= startsAt) {
    return refuse(
      'window',
      `ends ${iso(endsAt)}, not after it starts ${iso(startsAt)} (empty window)`,
    );
  }
  if (endsAt <= now) return refuse('window', `ends ${iso(endsAt)}, which is in the past`);
  if (endsAt - startsAt > facts.maxDurationMs) {
    return refuse(
      'window',
      `${iso(startsAt)} to ${iso(endsAt)} is longer than the maximum of ` +
        `${formatDuration(facts.maxDurationMs)} (grants.maxDuration)`,
    );
  }
  if (nda.signedAt > startsAt) {
    return refuse(
      'nda',
      `NDA ${nda.id} is signed ${iso(nda.signedAt)}, after the grant starts ${iso(startsAt)}`,
    );
  }
  if (nda.expiresAt !== null && nda.expiresAt < endsAt) {
    return refuse(
      'nda',
      `NDA ${nda.id} expires ${iso(nda.expiresAt)}, before the grant ends ${iso(endsAt)}`,
    );
  }

  // A command target runs on the bastion itself: there is no host key to pin.
  if (target.kind !== 'command' && target.hostKey === null) {
    return refuse(
      'target',
      `${target.name} has no pinned host key; run gatehouse target scan ${target.name} --pin`,
    );
  }

  if (facts.mode === 'shell' && facts.allowlist.length > 0) {
    return refuse('mode', 'give either --shell or --allow, not both');
  }
  if (facts.mode === 'commands' && facts.allowlist.length === 0) {
    return refuse('mode', 'give --shell or at least one --allow');
  }
  const checklist = checkConfirmations(target.name, target.requires, facts.confirmations);
  if (!checklist.ok) return { ok: false, field: 'checklist', message: checklist.message };
  return { ok: true };
}
