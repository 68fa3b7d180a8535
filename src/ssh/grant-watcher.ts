import type { Clock } from '../core/clock.js';
import type { Logger } from '../logging/logger.js';
import type { LiveSession, LiveSessions } from './live-sessions.js';
import { recheckGrant } from './login-decision.js';
import { messages } from './messages.js';
import type { AccessGate } from './ports.js';

const WARN_MINUTES = [5, 1] as const;

/**
 * Re-checks every live session's grant twice a second against fresh facts from the store
 * (revocations come from another process) and closes what is no longer allowed; ends sessions
 * an admin asked to kill; warns 5 and 1 minutes before expiry. No long timers (DESIGN.md §7).
 */
export function startGrantWatcher(deps: {
  readonly live: LiveSessions;
  readonly gate: AccessGate;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly intervalMs?: number;
}): { stop(): void } {
  const { live, gate, clock, logger } = deps;
  let running = false;

  const checkGroup = async (sessions: LiveSession[]): Promise<void> => {
    const [first] = sessions;
    if (first === undefined) return;
    const now = clock.now();
    const check = await recheckGrant(gate, first.userName, first.targetName, first.fingerprint, first.grant, now);
    if (!check.ok) {
      const expired = check.reason === 'grant.expired';
      for (const s of sessions) {
        s.terminate(expired ? 'expired' : 'revoked', expired ? messages.closedExpired(s.grant) : messages.closedRevoked(s.grant));
      }
      logger.info({ grantId: first.grant.id, reason: check.reason, sessions: sessions.length }, 'grant no longer allows access');
      return;
    }
    const left = check.grant.endsAt - now;
    for (const s of sessions) {
      for (const minutes of WARN_MINUTES) {
        if (left > minutes * 60_000 || s.warned.has(minutes)) continue;
        for (const m of WARN_MINUTES) if (m >= minutes) s.warned.add(m);
        s.notify(messages.expiryWarning(check.grant, left));
        await gate.recordAudit(
          { type: 'session.warning', payload: { sessionId: s.id, grantId: s.grant.id, minutesLeft: minutes } },
          'gatehouse',
        );
      }
    }
  };

  const tick = async (): Promise<void> => {
    if (live.size === 0) return;
    for (const id of await gate.killRequested()) {
      live.get(id)?.terminate('killed', messages.closedKilled());
    }
    const groups = new Map<string, LiveSession[]>();
    for (const s of live.all()) {
      const key = `${s.grant.id}|${s.fingerprint}`;
      groups.set(key, [...(groups.get(key) ?? []), s]);
    }
    await Promise.all([...groups.values()].map((g) => checkGroup(g)));
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
