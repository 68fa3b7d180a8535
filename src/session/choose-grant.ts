import { actorOf, type Choice } from '../core/login.js';
import { refuse, type Refusal } from '../core/refusal.js';
import { messages } from '../core/user-messages.js';
import type { UserChannel } from '../stream/channels.js';
import { chooseFromMenu, describeChoices } from '../tty/target-menu.js';
import type { SessionContext } from './session-context.js';

export interface Chosen {
  readonly choice: Choice;
  /** The NDA was acknowledged just now (login or menu): the session notes it instead of a notice. */
  readonly ndaAcknowledged: boolean;
}

/**
 * Which grant: the only one, else the menu (pty, shell), else a list and a refusal; none (a plain
 * login may have none) is a refusal saying how to ask for one.
 */
export async function chooseGrant(
  io: UserChannel,
  ctx: SessionContext,
  command: string | null,
  hasPty: boolean,
  say: (line: string) => void,
): Promise<Chosen | Refusal> {
  const { outcome, clock, gate } = ctx;
  const [only] = outcome.choices;
  if (only === undefined)
    return refuse.quietly(messages.noActiveGrant(outcome.userName, ctx.hostLabel), 1);
  if (outcome.choices.length === 1)
    return { choice: only, ndaAcknowledged: outcome.ndaJustAcknowledged };
  if (command !== null || !hasPty) {
    say(messages.noPtyChoice());
    for (const line of describeChoices(outcome.choices, clock.now())) say(line);
    return refuse.quietly(
      `gatehouse: for example  ssh ${outcome.userName}+${only.target.name}@…`,
      1,
    );
  }
  const actor = actorOf(outcome.userName);
  const picked = await chooseFromMenu(io, outcome.choices, clock.now(), {
    prepare: (c) => gate.prepareNdaSignoff(c.grant.id, clock.now(), actor),
    acknowledge: (c) => gate.acknowledgeNda(c.grant.id, clock.now(), actor),
  });
  if (picked === null) return refuse.quietly('gatehouse: no target chosen', 1);
  return { choice: picked.choice, ndaAcknowledged: picked.acknowledged };
}
