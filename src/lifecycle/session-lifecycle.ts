import { errorMessage } from '../core/errors.js';
import type { SessionLifecycle } from '../session/ports.js';
import { indexAllUnindexed } from './index-recording.js';
import type { LifecycleDeps } from './lifecycle-deps.js';
import { recordingStoreOf } from '../recording/recording-store.js';
import { openSession } from './open-session.js';
import { recoverInterruptedSessions } from './recover-sessions.js';

/**
 * The one owner of a session's record: `open` (recording, row, session.start) and its seal for
 * live sessions, `recover` for those a crash left open (same seal; then, in the background, the
 * search index catches up on recordings it lacks). Verification of what was
 * sealed is ./verify-session.ts.
 */
export interface SessionRecords extends SessionLifecycle {
  recover(): Promise<number>;
}

export function sessionRecords(deps: LifecycleDeps): SessionRecords {
  return {
    open: (opening) => openSession(deps, opening),
    recover: async () => {
      const recovered = await recoverInterruptedSessions(deps);
      // Sealed recordings an earlier run left in the spool go to the store (s3: uploaded).
      await recordingStoreOf(deps).resume();
      // Crash-sealed recordings were indexed by their seal; this catches up on the rest.
      indexAllUnindexed(deps).catch((err: unknown) => {
        deps.logger.warn({ problem: errorMessage(err) }, 'recordings not indexed at start');
      });
      return recovered;
    },
  };
}
