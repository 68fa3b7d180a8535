/**
 * Changes that can end live sessions (issue 17): a grant revoked, an NDA revoked, a user disabled
 * or one of their keys removed, a session kill requested. Whoever makes one announces it; the
 * grant watcher of every node that holds an affected session wakes and re-checks it at once,
 * instead of at its next periodic round (which stays, as the fallback).
 *
 * Where a change reaches: `ChangeBus` (below) carries a process's own changes (serve's review page
 * ending a session); SQLite has nothing more, and changes from other processes (the CLI, another
 * node) are seen by the periodic re-check, twice a second. On PostgreSQL the store's
 * `announceChange` (store/change-announce.ts) is the one place that sends NOTIFY, and a LISTEN
 * connection feeds the same `ChangeSignals` with `crossProcess` true.
 */
import type { Grant, SessionId } from './model.js';

export type Change =
  | { readonly kind: 'grant' | 'nda' | 'user'; readonly id: number }
  | { readonly kind: 'session'; readonly id: SessionId };

export interface ChangeSignals {
  /**
   * True when every writer's changes arrive (another process's, another node's); false when only
   * this process's own do, so the periodic re-check must stay frequent.
   */
  readonly crossProcess: boolean;
  /** `wake` is called after each change is committed; returns what stops it. */
  subscribe(wake: (change: Change) => void): () => void;
}

/** What a watched login or session relies on, for `concerns`. */
export interface ChangeSubject {
  readonly grant: Pick<Grant, 'id' | 'ndaId' | 'userId'>;
  /** Null for a login without a session. */
  readonly sessionId: SessionId | null;
}

/** Whether `change` may end what relies on `subject`. */
export function concerns(change: Change, subject: ChangeSubject): boolean {
  switch (change.kind) {
    case 'grant':
      return change.id === subject.grant.id;
    case 'nda':
      return change.id === subject.grant.ndaId;
    case 'user':
      return change.id === subject.grant.userId;
    case 'session':
      return change.id === subject.sessionId;
  }
}

/** A process's own changes, delivered to its subscribers synchronously; a throwing one is skipped. */
export class ChangeBus implements ChangeSignals {
  /** True when another process's changes are published here too (PostgreSQL's LISTEN). */
  constructor(readonly crossProcess: boolean = false) {}

  private readonly listeners = new Set<(change: Change) => void>();

  subscribe(wake: (change: Change) => void): () => void {
    // A wrapper per call, so the same function subscribed twice is two subscriptions.
    const listener = (change: Change): void => wake(change);
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  publish(change: Change): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(change);
      } catch {
        // A subscriber's fault is its own; the change was made and the others still hear it.
      }
    }
  }
}
