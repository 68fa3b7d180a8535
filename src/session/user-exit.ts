import type { ChannelExit } from '../stream/channel-exit.js';
import type { UserChannel } from '../stream/channels.js';

/** Exit status reported when gatehouse itself ends or refuses a session (as ssh does for its own errors). */
export const GATEHOUSE_EXIT = 255;

/** Reports how the session ended to the user's client and closes the channel. */
export function endUserChannel(
  io: UserChannel,
  overridden: number | null,
  exit: ChannelExit | null,
): void {
  sendExitStatus(io, overridden, exit);
  io.end();
}

/** The exit status (or signal) for the user's client, without closing the channel. */
export function sendExitStatus(
  io: UserChannel,
  overridden: number | null,
  exit: ChannelExit | null,
): void {
  if (overridden !== null) io.exit(overridden);
  else if (exit?.code != null) io.exit(exit.code);
  else if (exit?.signal != null) {
    try {
      io.exit(exit.signal, exit.dump, exit.desc);
    } catch {
      io.exit(GATEHOUSE_EXIT);
    }
  }
}
