import type { Grant, Nda, Target } from './model.js';
import { checkName, quoteForMessage } from './names.js';

/**
 * The SSH user name: `USER` or `USER+TARGET` (`+`, not `:`, because scp and rsync split at the
 * first colon). Both parts must be canonical names; nothing is folded or trimmed.
 */
export type LoginParse =
  | { readonly ok: true; readonly user: string; readonly target: string | null }
  | { readonly ok: false; readonly reason: string };

export function parseLogin(login: string): LoginParse {
  const parts = login.split('+');
  if (parts.length > 2) {
    return { ok: false, reason: `login ${quoteForMessage(login)}: expected USER or USER+TARGET` };
  }
  const [user = '', target] = parts;
  const userCheck = checkName('user', user);
  if (!userCheck.ok) return { ok: false, reason: userCheck.message };
  if (target === undefined) return { ok: true, user, target: null };
  const targetCheck = checkName('target', target);
  if (!targetCheck.ok) return { ok: false, reason: targetCheck.message };
  return { ok: true, user, target };
}

/** One grant the user may use right now, with what the session needs to show and check. */
export interface Choice {
  readonly target: Target;
  readonly grant: Grant;
  readonly nda: Nda;
}

/** Who logged in and which grants they may use: the outcome of a successful authentication. */
export interface LoginOutcome {
  readonly login: string;
  readonly userName: string;
  readonly requestedTarget: string | null;
  readonly fingerprint: string;
  readonly choices: readonly Choice[];
  /** The NDA was acknowledged during this authentication (no extra notice needed). */
  readonly ndaJustAcknowledged: boolean;
}

/** The audit actor of an ssh user. */
export const actorOf = (userName: string): string => `user:${userName}`;
