import type { AuthFailureAggregate, AuthFailureReason } from './audit-payloads.js';
import type { EpochMs } from './model.js';
import { loginSource } from './reviewer-login.js';

/**
 * Which refused logins are written one by one and which are summed up, per source: an IPv4
 * address or an IPv6 /64 (loginSource), since one host usually holds a whole /64.
 *
 * A source's window opens at its first refusal and lasts `windowMs`. Its first
 * `writtenPerWindow` refusals are written as auth.failure, as they happen: a person behind a
 * shared address who offers three wrong keys and then one with an expired grant still gets a row
 * for each, with the reason. Every further refusal in the window, for any user name, is only
 * counted; when the window closes they become one auth.failure.aggregate. "Repeated" is per
 * address and not per user name, because a client guessing names is the abuse this bounds.
 *
 * Memory is bounded: at most `maxSources` windows (a new source closes the oldest one early)
 * and `maxLogins` names per window. Windows all last the same time, so the oldest opened is the
 * first to close: the map's insertion order is the closing order.
 */
export interface RefusalWindowLimits {
  readonly windowMs: number;
  readonly writtenPerWindow: number;
  readonly maxSources: number;
  readonly maxLogins: number;
}

export const REFUSAL_WINDOW_LIMITS: RefusalWindowLimits = {
  windowMs: 60_000,
  writtenPerWindow: 10,
  maxSources: 1024,
  maxLogins: 10,
};

/** One refusal as the windows see it: `login` already bounded (authFailureEvent's payload). */
export interface NotedRefusal {
  readonly remoteAddr: string;
  readonly reason: AuthFailureReason;
  readonly login: string;
}

interface Window {
  readonly openedAt: EpochMs;
  written: number;
  count: number;
  firstAt: EpochMs;
  lastAt: EpochMs;
  readonly reasons: Map<AuthFailureReason, number>;
  readonly logins: Set<string>;
  moreLogins: boolean;
}

export class RefusalWindows {
  private readonly windows = new Map<string, Window>();

  constructor(private readonly limits: RefusalWindowLimits = REFUSAL_WINDOW_LIMITS) {}

  get size(): number {
    return this.windows.size;
  }

  /**
   * Counts one refusal at `now`. `write`: write it as its own auth.failure. `closed`: windows
   * this closed (the source's own expired one, the oldest to make room), to be written now.
   */
  note(
    refusal: NotedRefusal,
    now: EpochMs,
  ): { readonly write: boolean; readonly closed: AuthFailureAggregate[] } {
    const closed: AuthFailureAggregate[] = [];
    const source = loginSource(refusal.remoteAddr);
    let w = this.windows.get(source);
    if (w !== undefined && this.expired(w, now)) {
      pushAggregate(closed, source, w);
      this.windows.delete(source);
      w = undefined;
    }
    if (w === undefined) {
      const oldest = this.windows.size >= this.limits.maxSources ? this.oldest() : null;
      if (oldest !== null) {
        pushAggregate(closed, oldest[0], oldest[1]);
        this.windows.delete(oldest[0]);
      }
      w = {
        openedAt: now,
        written: 0,
        count: 0,
        firstAt: now,
        lastAt: now,
        reasons: new Map(),
        logins: new Set(),
        moreLogins: false,
      };
      this.windows.set(source, w);
    }
    if (w.written < this.limits.writtenPerWindow) {
      w.written += 1;
      return { write: true, closed };
    }
    if (w.count === 0) w.firstAt = now;
    w.count += 1;
    w.lastAt = now;
    w.reasons.set(refusal.reason, (w.reasons.get(refusal.reason) ?? 0) + 1);
    if (w.logins.has(refusal.login)) return { write: false, closed };
    if (w.logins.size < this.limits.maxLogins) w.logins.add(refusal.login);
    else w.moreLogins = true;
    return { write: false, closed };
  }

  /** Closes the windows that ended by `now`: the aggregates of those that counted any. */
  closeDue(now: EpochMs): AuthFailureAggregate[] {
    const closed: AuthFailureAggregate[] = [];
    for (const [source, w] of this.windows) {
      if (!this.expired(w, now)) break; // the rest opened later
      pushAggregate(closed, source, w);
      this.windows.delete(source);
    }
    return closed;
  }

  /** When the oldest window ends (null: none open). */
  nextCloseAt(): EpochMs | null {
    const oldest = this.oldest();
    return oldest === null ? null : oldest[1].openedAt + this.limits.windowMs;
  }

  /** Closes every window (shutdown). */
  closeAll(): AuthFailureAggregate[] {
    const closed: AuthFailureAggregate[] = [];
    for (const [source, w] of this.windows) pushAggregate(closed, source, w);
    this.windows.clear();
    return closed;
  }

  private expired(w: Window, now: EpochMs): boolean {
    return now - w.openedAt >= this.limits.windowMs || now < w.openedAt;
  }

  private oldest(): [string, Window] | null {
    for (const entry of this.windows) return entry;
    return null;
  }
}

function pushAggregate(into: AuthFailureAggregate[], source: string, w: Window): void {
  if (w.count === 0) return;
  into.push({
    remoteAddr: source,
    count: w.count,
    firstAt: w.firstAt,
    lastAt: w.lastAt,
    reasons: [...w.reasons].map(([reason, count]) => ({ reason, count })),
    logins: [...w.logins],
    moreLogins: w.moreLogins,
  });
}
