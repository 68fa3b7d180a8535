import { auditEvents } from '../core/audit-events.js';
import type { Auditor } from '../core/auditor.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../logging/logger.js';
import type { LiveSession, LiveSessions } from './live-sessions.js';
import { recheckGrant } from './login-decision.js';
import { messages } from '../core/user-messages.js';
import type { AccessGate } from './ports.js';

/** Nearest first: the warning given marks the earlier ones as given (no double warning). */
const WARN_MINUTES = [1, 5] as const;
/** A grant that cannot be re-checked against the store for this long fails closed. */
const RECHECK_FAILURE_LIMIT_MS = 5_000;

/**
 * Re-checks every live session's grant twice a second against fresh facts from the store
 * (revocations come from another process) and closes what is no longer allowed; ends sessions
 * an admin asked to kill; warns 5 and 1 minutes before expiry. No long timers (DESIGN.md §7).
 */
export function startGrantWatcher(deps: {
  readonly live: LiveSessions;
  readonly gate: AccessGate;
  readonly auditor: Auditor;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly intervalMs?: number;
}): { stop(): void } {
  const { live, gate, clock, logger } = deps;
  let running = false;
  /** Per group key: when its grant was last confirmed by the store. */
  const confirmedAt = new Map<string, number>();

  const checkGroup = async (key: string, sessions: LiveSession[]): Promise<void> => {
    const [first] = sessions;
    if (first === undefined) return;
    const now = clock.now();
    let check: Awaited<ReturnType<typeof recheckGrant>>;
    try {
      check = await recheckGrant(
        gate,
        first.userName,
        first.targetName,
        first.fingerprint,
        first.grant,
        now,
      );
    } catch (err) {
      const since = confirmedAt.get(key) ?? now;
      confirmedAt.set(key, since);
      logger.error({ err, grantId: first.grant.id }, 'grant re-check failed');
      if (clock.now() - since >= RECHECK_FAILURE_LIMIT_MS) {
        for (const s of sessions) s.terminate('error', messages.closedUncheckable());
      }
      return;
    }
    confirmedAt.set(key, clock.now());
    if (!check.ok) {
      const expired = check.reason === 'grant.expired';
      for (const s of sessions) {
        s.terminate(
          expired ? 'expired' : 'revoked',
          expired ? messages.closedExpired(s.grant) : messages.closedRevoked(s.grant),
        );
      }
      logger.info(
        { grantId: first.grant.id, reason: check.reason, sessions: sessions.length },
        'grant no longer allows access',
      );
      return;
    }
    const left = check.grant.endsAt - now;
    for (const s of sessions) {
      for (const minutes of WARN_MINUTES) {
        if (left > minutes * 60_000 || s.warned.has(minutes)) continue;
        for (const m of WARN_MINUTES) if (m >= minutes) s.warned.add(m);
        s.notify(messages.expiryWarning(check.grant, left));
        // Not awaited: a CLI holding the write lock must not delay the re-checks of other grants.
        void deps.auditor.record(
          auditEvents.sessionWarning({
            sessionId: s.id,
            grantId: s.grant.id,
            minutesLeft: minutes,
          }),
          'gatehouse',
        );
      }
    }
  };

  const tick = async (): Promise<void> => {
    if (live.size === 0) {
      confirmedAt.clear();
      return;
    }
    // The end of a grant needs no store: enforce it first, so a slow or failing store cannot extend it.
    const now = clock.now();
    for (const s of live.all()) {
      if (now >= s.grant.endsAt) s.terminate('expired', messages.closedExpired(s.grant));
    }
    try {
      for (const id of await gate.killRequested()) {
        live.get(id)?.terminate('killed', messages.closedKilled());
      }
    } catch (err) {
      logger.error({ err }, 'reading kill requests failed');
    }
    const groups = new Map<string, LiveSession[]>();
    for (const s of live.all()) {
      const key = `${s.grant.id}|${s.fingerprint}`;
      groups.set(key, [...(groups.get(key) ?? []), s]);
    }
    for (const key of confirmedAt.keys()) if (!groups.has(key)) confirmedAt.delete(key);
    await Promise.all([...groups].map(([key, g]) => checkGroup(key, g)));
  };

  const timer = setInterval(() => {
    if (running) return;
    running = true;
    tick()
      .catch((err: unknown) => logger.error({ err }, 'grant watcher tick failed'))
      .finally(() => {
        running = false;
      });
  }, deps.intervalMs ?? 500);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
