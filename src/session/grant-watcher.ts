import { auditEvents } from '../core/audit-events.js';
import type { Auditor } from '../core/auditor.js';
import { concerns, type Change, type ChangeSubject } from '../core/change-signals.js';
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
/** A grant the store failed to re-check (it answered with an error) for this long fails closed. */
const RECHECK_FAILURE_LIMIT_MS = 5_000;
/**
 * A grant whose re-check has not been answered at all for this long fails closed. Longer than the
 * failure limit: under bulk transfers the store's calls wait for libuv's thread pool behind the
 * recordings' writes, which is slow, not broken (a 256 MiB download was closed at 5 s).
 */
const RECHECK_SLOW_LIMIT_MS = 30_000;
/**
 * With a feed of every writer's changes (`ChangeSignals.crossProcess`): the fallback round, half
 * as often as the ticks, still within DESIGN.md §3's "at least every second".
 */
const FALLBACK_ROUND_MS = 1_000;

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

const subjectOf = (s: Watched): ChangeSubject => ({
  grant: s.grant,
  sessionId: isLiveSession(s) ? s.id : null,
});

/** Per group: since when its grant is unconfirmed, and whether the store's last answer was an error. */
class GroupStates {
  private readonly confirmedAt = new Map<string, number>();
  private readonly failing = new Set<string>();

  constructor(private readonly clock: Clock) {}

  confirmed(key: string): void {
    this.confirmedAt.set(key, this.clock.now());
    this.failing.delete(key);
  }

  failed(key: string): void {
    this.failing.add(key);
  }

  /** Whether the group has gone unconfirmed past its limit: the failure one, else the slow one. */
  stale(key: string): boolean {
    const limit = this.failing.has(key) ? RECHECK_FAILURE_LIMIT_MS : RECHECK_SLOW_LIMIT_MS;
    return this.clock.now() - this.unconfirmedSince(key) >= limit;
  }

  /** Forgets the groups nothing is watched under any more. */
  keep(keys: ReadonlySet<string>): void {
    for (const key of [...this.confirmedAt.keys()]) {
      if (keys.has(key)) continue;
      this.confirmedAt.delete(key);
      this.failing.delete(key);
    }
  }

  private unconfirmedSince(key: string): number {
    const since = this.confirmedAt.get(key) ?? this.clock.now();
    this.confirmedAt.set(key, since);
    return since;
  }
}

/**
 * Re-checks every live session's grant, and the grants of every logged-in connection (with or
 * without a session: `ssh -N`), against fresh facts from the store and closes what is no longer
 * allowed; ends sessions an admin asked to kill; warns sessions 5 and 1 minutes before expiry. No
 * long timers (DESIGN.md §7).
 *
 * When: at once when `gate.changes` announces a change concerning a watched grant or session
 * (core/change-signals.ts), and in a periodic round: every tick (twice a second) while changes
 * from other processes do not arrive (SQLite: the CLI, another node), every FALLBACK_ROUND_MS
 * when they do. Expiry needs no store and is enforced at every tick. The store is asked one round
 * at a time; a group whose grant was not confirmed for RECHECK_FAILURE_LIMIT_MS while the store
 * answered with errors, or for RECHECK_SLOW_LIMIT_MS while it did not answer, is closed. A
 * definitive answer (revoked, expired) ends at once, however long it took.
 */
export function startGrantWatcher(deps: GrantWatcherDeps): { stop(): void } {
  const { live, clock, logger, gate } = deps;
  const states = new GroupStates(clock);
  const roundEveryMs = gate.changes.crossProcess ? FALLBACK_ROUND_MS : 0;
  let round: Promise<void> | null = null;
  let lastRoundAt = -Infinity;
  /** A change arrived during a round: one more round right after it. */
  let again = false;
  let stopped = false;

  const startRound = (): void => {
    lastRoundAt = clock.now();
    round = storeRound(deps, states)
      .catch((err: unknown) => logger.error({ err }, 'grant watcher round failed'))
      .finally(() => {
        round = null;
        if (again && !stopped) {
          again = false;
          startRound();
        }
      });
  };

  const tick = (): void => {
    const watched = live.watched();
    if (watched.length === 0) {
      states.keep(new Set());
      return;
    }
    const now = clock.now();
    for (const s of watched) {
      if (now >= s.grant.endsAt) s.terminate('expired', messages.closedExpired(s.grant));
    }
    if (round !== null) {
      for (const s of live.watched()) {
        if (states.stale(groupKey(s))) s.terminate('error', messages.closedUncheckable());
      }
      return;
    }
    if (now - lastRoundAt >= roundEveryMs) startRound();
  };

  const wake = (change: Change): void => {
    if (stopped || !live.watched().some((s) => concerns(change, subjectOf(s)))) return;
    if (round === null) startRound();
    else again = true;
  };

  const unsubscribe = gate.changes.subscribe(wake);
  const timer = setInterval(tick, deps.intervalMs ?? 500);
  timer.unref();
  return {
    stop: () => {
      stopped = true;
      unsubscribe();
      clearInterval(timer);
    },
  };
}

/** One round against the store: kill requests, then each group's grant. */
async function storeRound(deps: GrantWatcherDeps, states: GroupStates): Promise<void> {
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
  states.keep(new Set(groups.keys()));
  await Promise.all(
    [...groups].map(async ([key, sessions]) => {
      if (await checkGroup(deps, sessions)) return states.confirmed(key);
      states.failed(key);
      if (!states.stale(key)) return;
      for (const s of sessions) s.terminate('error', messages.closedUncheckable());
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
