import type { SessionLifecycle } from '../session/ports.js';
import type { LifecycleDeps } from './lifecycle-deps.js';
import { openSession } from './open-session.js';
import { recoverInterruptedSessions } from './recover-sessions.js';

/**
 * The one owner of a session's record: `open` (recording, row, session.start) and its seal for
 * live sessions, `recover` for those a crash left open (same seal). Verification of what was
 * sealed is ./verify-session.ts.
 */
export interface SessionRecords extends SessionLifecycle {
  recover(): Promise<number>;
}

export function sessionRecords(deps: LifecycleDeps): SessionRecords {
  return {
    open: (opening) => openSession(deps, opening),
    recover: () => recoverInterruptedSessions(deps),
  };
}
