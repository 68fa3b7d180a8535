import { auditEvents } from '../core/audit-events.js';
import type { Auditor } from '../core/auditor.js';
import type { Clock } from '../core/clock.js';
import type { Grant } from '../core/model.js';
import { messages } from '../core/user-messages.js';
import type { Logger } from '../logging/logger.js';
import {
  isLiveSession,
  type LiveSession,
  type LiveSessions,
  type Watched,
} from './live-sessions.js';
import { recheckGrant } from './login-decision.js';
import type { AccessGate } from './ports.js';

/** Nearest first: the warning given marks the earlier ones as given (no double warning). */
const WARN_MINUTES = [1, 5] as const;
/** A grant that cannot be re-checked against the store for this long fails closed. */
const RECHECK_FAILURE_LIMIT_MS = 5_000;

export interface GrantWatcherDeps {
  readonly live: LiveSessions;
  readonly gate: AccessGate;
  readonly auditor: Auditor;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly intervalMs?: number;
}

/** Sessions and logins under one grant and key: one store re-check serves them all. */
const groupKey = (s: Watched): string => `${s.grant.id}|${s.fingerprint}`;

/**
 * Re-checks every live session's grant, and the grants of every logged-in connection (with or
 * without a session: `ssh -N`), twice a second against fresh facts from the store (revocations
 * come from another process) and closes what is no longer allowed; ends sessions an admin asked
 * to kill; warns sessions 5 and 1 minutes before expiry. No long timers (DESIGN.md §7).
 *
 * Expiry needs no store and is enforced at every tick. The store is asked one round at a time; a
 * group whose grant was not confirmed for RECHECK_FAILURE_LIMIT_MS — the store failing or not
 * answering at all — is closed.
 */
export function startGrantWatcher(deps: GrantWatcherDeps): { stop(): void } {
  const { live, clock, logger } = deps;
  /** Per group: when its grant was last confirmed by the store (or first went unconfirmed). */
  const confirmedAt = new Map<string, number>();
  let round: Promise<void> | null = null;

  const unconfirmedSince = (key: string): number => {
    const since = confirmedAt.get(key) ?? clock.now();
    confirmedAt.set(key, since);
    return since;
  };
  const failStale = (): void => {
    for (const s of live.watched()) {
      if (clock.now() - unconfirmedSince(groupKey(s)) >= RECHECK_FAILURE_LIMIT_MS) {
        s.terminate('error', messages.closedUncheckable());
      }
    }
  };

  const tick = (): void => {
    const watched = live.watched();
    if (watched.length === 0) {
      confirmedAt.clear();
      return;
    }
    const now = clock.now();
    for (const s of watched) {
      if (now >= s.grant.endsAt) s.terminate('expired', messages.closedExpired(s.grant));
    }
    if (round !== null) {
      failStale();
      return;
    }
    round = storeRound(deps, confirmedAt, unconfirmedSince)
      .catch((err: unknown) => logger.error({ err }, 'grant watcher tick failed'))
      .finally(() => {
        round = null;
      });
  };

  const timer = setInterval(tick, deps.intervalMs ?? 500);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

/** One round against the store: kill requests, then each group's grant. */
async function storeRound(
  deps: GrantWatcherDeps,
  confirmedAt: Map<string, number>,
  unconfirmedSince: (key: string) => number,
): Promise<void> {
  const { live, gate, logger } = deps;
  try {
    for (const { sessionId, reason } of await gate.killRequested()) {
      live.get(sessionId)?.terminate('killed', messages.closedKilled(reason));
    }
  } catch (err) {
    logger.error({ err }, 'reading kill requests failed');
  }
  const groups = new Map<string, Watched[]>();
  for (const s of live.watched()) groups.set(groupKey(s), [...(groups.get(groupKey(s)) ?? []), s]);
  for (const key of confirmedAt.keys()) if (!groups.has(key)) confirmedAt.delete(key);
  await Promise.all(
    [...groups].map(async ([key, sessions]) => {
      const confirmed = await checkGroup(deps, sessions);
      if (confirmed) confirmedAt.set(key, deps.clock.now());
      else if (deps.clock.now() - unconfirmedSince(key) >= RECHECK_FAILURE_LIMIT_MS) {
        for (const s of sessions) s.terminate('error', messages.closedUncheckable());
      }
    }),
  );
}

/** Re-checks one group's grant; false when the store could not answer. */
async function checkGroup(deps: GrantWatcherDeps, sessions: Watched[]): Promise<boolean> {
  const [first] = sessions;
  if (first === undefined) return true;
  const now = deps.clock.now();
  let check: Awaited<ReturnType<typeof recheckGrant>>;
  try {
    check = await recheckGrant(
      deps.gate,
      first.userName,
      first.targetName,
      first.fingerprint,
      first.grant,
      now,
    );
  } catch (err) {
    deps.logger.error({ err, grantId: first.grant.id }, 'grant re-check failed');
    return false;
  }
  if (!check.ok) {
    const expired = check.reason === 'grant.expired';
    for (const s of sessions) {
      s.terminate(
        expired ? 'expired' : 'revoked',
        expired ? messages.closedExpired(s.grant) : messages.closedRevoked(s.grant),
      );
    }
    deps.logger.info(
      { grantId: first.grant.id, reason: check.reason, sessions: sessions.length },
      'grant no longer allows access',
    );
    return true;
  }
  warnBeforeExpiry(deps, sessions.filter(isLiveSession), check.grant, check.grant.endsAt - now);
  return true;
}

function warnBeforeExpiry(
  deps: GrantWatcherDeps,
  sessions: readonly LiveSession[],
  grant: Grant,
  left: number,
): void {
  for (const s of sessions) {
    for (const minutes of WARN_MINUTES) {
      if (left > minutes * 60_000 || s.warned.has(minutes)) continue;
      for (const m of WARN_MINUTES) if (m >= minutes) s.warned.add(m);
      s.notify(messages.expiryWarning(grant, left));
      // Not awaited: a CLI holding the write lock must not delay the re-checks of other grants.
      const warning = auditEvents.sessionWarning({
        sessionId: s.id,
        grantId: s.grant.id,
        minutesLeft: minutes,
      });
      void deps.auditor.record(warning, 'gatehouse');
    }
  }
}
