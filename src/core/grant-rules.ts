import type { EpochMs, GrantMode, Nda, Target, User } from './model.js';

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
}

/** `field` is the domain field at fault: user | target | nda | window | mode | allowlist. */
export type GrantRuleResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly field: GrantField; readonly message: string };

export type GrantField = 'user' | 'target' | 'nda' | 'window' | 'mode' | 'allowlist';

export function checkGrantRules(facts: GrantRequestFacts): GrantRuleResult {
  // TODO(core helper): implement every rule with a clear message.
  void facts;
  return { ok: true };
}
