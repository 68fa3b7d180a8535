import type { EpochMs } from '../core/model.js';
import type { LoginDecision } from '../session/login-decision.js';

/**
 * How long the decision made for a key probe stands for the signed attempt that follows it. One
 * round trip separates them; well inside the grant watcher's 2 s bound for a revocation to end a
 * live session, and the session re-checks the grant against the store before it opens anything.
 */
export const PROBE_DECISION_TTL_MS = 1_000;

/**
 * OpenSSH offers a key twice: a probe without a signature (answered with PK_OK or a refusal), then
 * the same request signed. The store has just decided the probe, so the signed attempt on the
 * same connection, for the same login name and key, takes that decision instead of reading the
 * store again, once, while it is fresh. Its signature is verified all the same.
 */
export class ProbeDecisions {
  private last: {
    readonly login: string;
    readonly fingerprint: string;
    readonly at: EpochMs;
    readonly decision: LoginDecision;
  } | null = null;

  /** An allowed probe: `at` is when its store reads began. Refusals are not kept. */
  remember(login: string, fingerprint: string, at: EpochMs, decision: LoginDecision): void {
    this.last = decision.ok ? { login, fingerprint, at, decision } : null;
  }

  /** The probe's decision for this signed attempt, or null (none, another login or key, too old). */
  take(login: string, fingerprint: string, now: EpochMs): LoginDecision | null {
    const last = this.last;
    this.last = null;
    if (last === null || last.login !== login || last.fingerprint !== fingerprint) return null;
    const age = now - last.at;
    return age >= 0 && age < PROBE_DECISION_TTL_MS ? last.decision : null;
  }
}
