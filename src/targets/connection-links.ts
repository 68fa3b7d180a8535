import type { Target, TargetId } from '../core/model.js';
import type { TargetDialer, TargetLinkResult } from './target-link.js';

/**
 * The target links of one client connection: dialled on first use, shared by its session
 * channels, forgotten when they fail or close, all closed with the connection.
 */
export class ConnectionLinks {
  private readonly links = new Map<TargetId, Promise<TargetLinkResult>>();
  private closed = false;

  constructor(private readonly dialer: TargetDialer) {}

  get(target: Target): Promise<TargetLinkResult> {
    const cached = this.links.get(target.id);
    if (cached !== undefined) return cached;
    const pending = this.dialer.dial(target);
    this.links.set(target.id, pending);
    const forget = (): void => {
      if (this.links.get(target.id) === pending) this.links.delete(target.id);
    };
    void pending.then((r) => {
      if (!r.ok) forget();
      else if (this.closed)
        r.link.close(); // the connection went away while dialling
      else void r.link.closed.then(forget);
    });
    return pending;
  }

  /** Closes the link to `target` (once dialled) and forgets it. */
  close(target: Target): void {
    const pending = this.links.get(target.id);
    if (pending === undefined) return;
    this.links.delete(target.id);
    void pending.then((r) => r.ok && r.link.close());
  }

  closeAll(): void {
    this.closed = true;
    for (const p of this.links.values()) void p.then((r) => r.ok && r.link.close());
  }
}
