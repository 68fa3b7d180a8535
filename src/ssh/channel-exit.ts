import type { ClientChannel } from 'ssh2';

/** What a target channel's exit-status or exit-signal request said. */
export interface ChannelExit {
  readonly code: number | null;
  readonly signal: string | null;
  readonly dump: boolean;
  readonly desc: string;
}

const exits = new WeakMap<ClientChannel, ChannelExit>();

/**
 * ssh2 emits a channel's 'exit' the moment the exit-status arrives, which for a short command can
 * be in the same read as the exec reply: before whoever awaited the channel has subscribed. The
 * exit is then lost and the user gets no exit status (ssh exits 255). So every target channel is
 * watched from inside its open callback, and readers ask `onChannelExit`, which also answers late.
 */
export function watchChannelExit(channel: ClientChannel): void {
  channel.once('exit', (code: number | null, signal?: string, dump?: boolean, desc?: string) => {
    exits.set(channel, {
      code: typeof code === 'number' ? code : null,
      signal: typeof code === 'number' ? null : (signal ?? null),
      dump: dump === true,
      desc: desc ?? '',
    });
  });
}

/** Calls `listener` once with the channel's exit: now if it already came, else when it comes. */
export function onChannelExit(channel: ClientChannel, listener: (exit: ChannelExit) => void): void {
  const known = exits.get(channel);
  if (known !== undefined) {
    listener(known);
    return;
  }
  // watchChannelExit's listener was added first, so it has stored the exit by the time this runs.
  channel.once('exit', () => {
    const exit = exits.get(channel);
    if (exit !== undefined) listener(exit);
  });
}
