import type { Grant, SessionEndReason, SessionId } from '../core/model.js';

export type CloseCause = Extract<
  SessionEndReason,
  'closed' | 'expired' | 'revoked' | 'killed' | 'shutdown' | 'error'
>;

/** What the grant watcher re-checks: one grant, used with one key. */
export interface Watched {
  readonly grant: Grant;
  readonly userName: string;
  readonly targetName: string;
  readonly fingerprint: string;
  /** Ends what relies on the grant, with a one-line reason for the user. */
  terminate(cause: CloseCause, line: string): void;
}

/** A relayed session channel that the watcher and the drain can reach. */
export interface LiveSession extends Watched {
  readonly id: SessionId;
  /** Minutes-before-expiry warnings already given (5, 1). */
  readonly warned: Set<number>;
  /** Writes one line to the user's terminal (stderr). */
  notify(line: string): void;
  /** Closes the channel with a one-line reason; the session row ends with `cause`. */
  terminate(cause: CloseCause, line: string): void;
  readonly ended: Promise<void>;
}

export const isLiveSession = (w: Watched): w is LiveSession => 'ended' in w;

/** The live sessions, and the grants of logged-in connections (with or without sessions). */
export class LiveSessions {
  private readonly sessions = new Map<SessionId, LiveSession>();
  private readonly logins = new Set<Watched>();

  add(session: LiveSession): void {
    this.sessions.set(session.id, session);
    void session.ended.finally(() => this.sessions.delete(session.id));
  }

  /**
   * Watches a grant a connection logged in with, sessions or not (`ssh -N` has none): its
   * `terminate` closes what the connection holds for it. Returns what stops the watch.
   */
  watchLogin(login: Watched): () => void {
    this.logins.add(login);
    return () => {
      this.logins.delete(login);
    };
  }

  /** Everything the grant watcher re-checks: the live sessions, then the logins. */
  watched(): Watched[] {
    return [...this.sessions.values(), ...this.logins];
  }

  all(): LiveSession[] {
    return [...this.sessions.values()];
  }

  get(id: SessionId): LiveSession | undefined {
    return this.sessions.get(id);
  }

  get size(): number {
    return this.sessions.size;
  }
}
