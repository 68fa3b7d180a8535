import type { Target } from '../core/model.js';
import type { Logger } from '../logging/logger.js';
import { commandTargetLink } from './command-target-link.js';
import { connectTarget } from './ssh-target-link.js';
import type { TargetDialer, TargetLinkResult } from './target-link.js';

/** The one place that knows both kinds of target. */
export function targetDialer(clientKey: Buffer, logger: Logger): TargetDialer {
  return {
    dial: (target: Target): Promise<TargetLinkResult> => {
      if (target.kind === 'command')
        return Promise.resolve({ ok: true, link: commandTargetLink(target, logger) });
      return connectTarget(target, clientKey, logger).catch((err: unknown) => {
        // A fault (not a refusal) while connecting: the session says "not reachable".
        logger.error({ err }, 'target connection failed with an error');
        return { ok: false, reason: 'connect.failed', presentedKey: null };
      });
    },
  };
}
