/**
 * MaxStartups for gatehouse: how many connections may be unauthenticated at once, in total and per
 * source (an IPv4 address or an IPv6 /64: loginSource). A connection counts from accept until it
 * authenticates or closes.
 */
import { loginSource } from '../core/reviewer-login.js';

export class StartupLimits {
  private total = 0;
  private readonly bySource = new Map<string, number>();

  constructor(
    private readonly limits: () => {
      readonly maxStartups: number;
      readonly maxStartupsPerSource: number;
    },
  ) {}

  /** Counts a new connection from `address`; null when it is over a limit (refuse it). */
  admit(
    address: string,
  ): { readonly total: number; readonly perSource: number; release(): void } | null {
    const source = loginSource(address);
    const perSource = this.bySource.get(source) ?? 0;
    const { maxStartups, maxStartupsPerSource } = this.limits();
    if (this.total >= maxStartups || perSource >= maxStartupsPerSource) return null;
    this.total += 1;
    this.bySource.set(source, perSource + 1);
    let released = false;
    return {
      total: this.total,
      perSource: perSource + 1,
      release: () => {
        if (released) return;
        released = true; // counted once
        this.total -= 1;
        const n = (this.bySource.get(source) ?? 1) - 1;
        if (n <= 0) this.bySource.delete(source);
        else this.bySource.set(source, n);
      },
    };
  }

  /** For the refusal log line. */
  counts(address: string): { readonly unauthTotal: number; readonly perSource: number } {
    return { unauthTotal: this.total, perSource: this.bySource.get(loginSource(address)) ?? 0 };
  }
}
