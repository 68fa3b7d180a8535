import type { UserChannel } from '../stream/channels.js';
import { formatTimeLeft } from '../core/duration.js';
import type { EpochMs } from '../core/model.js';
import { readLine } from './line-reader.js';
import type { Choice } from '../core/login.js';
import type { NdaSignoff } from '../core/scope-signoff.js';
import { NDA_AGREEMENT, NDA_PROMPT, ndaText } from '../core/user-messages.js';

const crlf = (text: string): string => text.replace(/\r?\n/g, '\r\n');

/** One line per grant: `  1) db1   grant #7, 1h59m left`. */
export function describeChoices(choices: readonly Choice[], now: EpochMs): string[] {
  const width = Math.max(...choices.map((c) => c.target.name.length));
  return choices.map(
    (c, i) =>
      `  ${i + 1}) ${c.target.name.padEnd(width)}  grant #${c.grant.id}, ${formatTimeLeft(c.grant.endsAt - now)} left` +
      (c.grant.ndaAcknowledgedAt === null ? ' (NDA to acknowledge)' : ''),
  );
}

/** How the menu gets a grant's NDA and scope signed off (the AccessGate's two steps). */
export interface MenuSignoff {
  /** An earlier agreement to the same NDA and scope carried over, or the scope to show. */
  prepare(choice: Choice): Promise<NdaSignoff>;
  acknowledge(choice: Choice): Promise<void>;
}

/**
 * The numbered menu for a plain `user` login with several active grants (pty only). A grant
 * whose NDA is not yet acknowledged asks for `I agree` to its NDA and scope here, unless an
 * earlier agreement to the same ones is carried over.
 */
export async function chooseFromMenu(
  channel: UserChannel,
  choices: readonly Choice[],
  now: EpochMs,
  signoff: MenuSignoff,
): Promise<{ readonly choice: Choice; readonly acknowledged: boolean } | null> {
  channel.write(
    crlf(
      ['gatehouse: you have several active grants:', ...describeChoices(choices, now), ''].join(
        '\n',
      ),
    ),
  );
  for (let attempt = 0; attempt < 3; attempt++) {
    const answer = await readLine(channel, `Choose a target [1-${choices.length}]: `, 8);
    if (answer === null) return null;
    const n = Number(answer.trim());
    const choice = Number.isInteger(n) ? choices[n - 1] : undefined;
    if (choice === undefined) {
      channel.write(`Please type a number from 1 to ${choices.length}.\r\n`);
      continue;
    }
    if (choice.grant.ndaAcknowledgedAt !== null) return { choice, acknowledged: false };
    const step = await signoff.prepare(choice);
    if (step.carried) return { choice, acknowledged: false };
    channel.write(crlf(`${ndaText(step.scope)}\n`));
    const agreed = await readLine(channel, NDA_PROMPT, 40);
    if (agreed !== NDA_AGREEMENT) return null;
    await signoff.acknowledge(choice);
    return { choice, acknowledged: true };
  }
  return null;
}
