import type { Target } from '../core/model.js';
import type { ProgramLimits } from '../core/program-limits.js';
import type { Logger } from '../logging/logger.js';
import { openCommandTarget } from './command-target-link.js';
import { forbiddenIds } from './host-account.js';
import { connectTarget } from './ssh-target-link.js';
import type { TargetDialer, TargetLinkResult } from './target-link.js';

/**
 * The one place that knows both kinds of target. `programLimits` is read at each session start,
 * so a SIGHUP reload reaches the next command-target session.
 */
export function targetDialer(
  clientKey: Buffer,
  programLimits: () => ProgramLimits,
  logger: Logger,
): TargetDialer {
  // A command target's program never runs as root or as gatehouse's own account.
  const forbidden = forbiddenIds();
  return {
    dial: (target: Target): Promise<TargetLinkResult> => {
      if (target.kind === 'command')
        return openCommandTarget(target, forbidden, programLimits(), logger);
      return connectTarget(target, clientKey, logger).catch((err: unknown) => {
        // A fault (not a refusal) while connecting: the session says "not reachable".
        logger.error({ err }, 'target connection failed with an error');
        return { ok: false, reason: 'connect.failed', presentedKey: null };
      });
    },
  };
}
