import type { GrantId, Target } from '../core/model.js';
import { refuse, type Refusal } from '../core/refusal.js';
import { messages } from '../core/user-messages.js';
import type { TargetLink, TargetLinkResult } from '../targets/target-link.js';
import { GATEHOUSE_EXIT } from './user-exit.js';

/** The link stage: a usable link, or a refusal (a changed host key is a denial of its own). */
export async function linkTarget(
  target: Target,
  grantId: GrantId,
  linking: Promise<TargetLinkResult>,
): Promise<TargetLink | Refusal> {
  const linked = await linking;
  if (linked.ok) return linked.link;
  if (linked.reason === 'runas.unusable' || linked.reason === 'confinement.failed') {
    // Fail closed: the program never runs unconfined or as a forbidden account.
    const reason =
      linked.reason === 'runas.unusable' ? 'command_target.run_as' : 'command_target.confinement';
    return refuse.channel('session', {
      details: { reason, target: target.name, grantId, detail: linked.problem },
      line: messages.commandTargetUnusable(target.name),
      exitStatus: GATEHOUSE_EXIT,
    });
  }
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
