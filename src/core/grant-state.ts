import type { EpochMs, Grant } from './model.js';

/** Where a grant stands at `now`: only an `active` one lets its user in. */
export type GrantState = 'revoked' | 'expired' | 'pending' | 'active';

export function grantState(
  g: Pick<Grant, 'revokedAt' | 'startsAt' | 'endsAt'>,
  now: EpochMs,
): GrantState {
  if (g.revokedAt !== null) return 'revoked';
  if (g.endsAt <= now) return 'expired';
  if (g.startsAt > now) return 'pending';
  return 'active';
}
