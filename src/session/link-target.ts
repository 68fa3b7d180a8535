import type { Target } from '../core/model.js';
import { refuse, type Refusal } from '../core/refusal.js';
import { messages } from '../core/user-messages.js';
import type { TargetLink, TargetLinkResult } from '../targets/target-link.js';
import { GATEHOUSE_EXIT } from './user-exit.js';

/** The link stage: a usable link, or a refusal (a changed host key is a denial of its own). */
export async function linkTarget(
  target: Target,
  linking: Promise<TargetLinkResult>,
): Promise<TargetLink | Refusal> {
  const linked = await linking;
  if (linked.ok) return linked.link;
  if (linked.reason === 'hostkey.mismatch' || linked.reason === 'hostkey.unpinned') {
    const where =
      target.kind === 'command'
        ? {}
        : { host: target.host, port: target.port, pinned: target.hostKey };
    return refuse.hostKey(
      { target: target.name, ...where },
      linked.presentedKey,
      messages.hostKeyChanged(target),
      GATEHOUSE_EXIT,
    );
  }
  return refuse.quietly(messages.targetUnavailable(), GATEHOUSE_EXIT);
}
