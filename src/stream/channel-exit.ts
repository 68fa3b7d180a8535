import type { TargetChannel } from './channels.js';

/** What a target channel's exit-status or exit-signal request said. */
export interface ChannelExit {
  readonly code: number | null;
  readonly signal: string | null;
  readonly dump: boolean;
  readonly desc: string;
}

const exits = new WeakMap<TargetChannel, ChannelExit>();

const channelExit = (
  code: number | null,
  signal?: string,
  dump?: boolean,
  desc?: string,
): ChannelExit => ({
  code: typeof code === 'number' ? code : null,
  signal: typeof code === 'number' ? null : (signal ?? null),
  dump: dump === true,
  desc: desc ?? '',
});

/**
 * ssh2 emits a channel's 'exit' the moment the exit-status arrives, which for a short command can
 * be in the same read as the exec reply: before whoever awaited the channel has subscribed. The
 * exit is then lost and the user gets no exit status (ssh exits 255). So every target channel is
 * watched from inside its open callback, and readers ask `onChannelExit`, which also answers late.
 */
export function watchChannelExit(channel: TargetChannel): void {
  channel.once('exit', (code: number | null, signal?: string, dump?: boolean, desc?: string) => {
    exits.set(channel, channelExit(code, signal, dump, desc));
  });
}

/** Calls `listener` once with the channel's exit: now if it already came, else when it comes. */
export function onChannelExit(channel: TargetChannel, listener: (exit: ChannelExit) => void): void {
  const known = exits.get(channel);
  if (known !== undefined) {
    listener(known);
    return;
  }
  // A channel that is not watched (a command target's virtual channel emits its own 'exit')
  // reports what the event says.
  channel.once('exit', (code: number | null, signal?: string, dump?: boolean, desc?: string) => {
    listener(exits.get(channel) ?? channelExit(code, signal, dump, desc));
  });
}
