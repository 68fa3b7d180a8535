import type { Grant, SessionEndReason, SessionId } from '../core/model.js';

export type CloseCause = Extract<
  SessionEndReason,
  'expired' | 'revoked' | 'killed' | 'shutdown' | 'error'
>;

/** A relayed session channel that the watcher and the drain can reach. */
export interface LiveSession {
  readonly id: SessionId;
  readonly grant: Grant;
  readonly userName: string;
  readonly targetName: string;
  readonly fingerprint: string;
  /** Minutes-before-expiry warnings already given (5, 1). */
  readonly warned: Set<number>;
  /** Writes one line to the user's terminal (stderr). */
  notify(line: string): void;
  /** Closes the channel with a one-line reason; the session row ends with `cause`. */
  terminate(cause: CloseCause, line: string): void;
  readonly ended: Promise<void>;
}

export class LiveSessions {
  private readonly sessions = new Map<SessionId, LiveSession>();

  add(session: LiveSession): void {
    this.sessions.set(session.id, session);
    void session.ended.finally(() => this.sessions.delete(session.id));
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
