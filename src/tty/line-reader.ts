import type { UserChannel } from '../stream/channels.js';

/**
 * Reads one line from a user's pty channel. The client's terminal is in raw mode, so we echo and
 * handle backspace ourselves. Resolves null on Ctrl-C, Ctrl-D or channel end.
 */
export function readLine(
  channel: UserChannel,
  prompt: string,
  maxLength = 200,
): Promise<string | null> {
  channel.write(prompt);
  return new Promise((resolve) => {
    let line = '';
    const finish = (value: string | null): void => {
      channel.removeListener('data', onData);
      channel.removeListener('end', onEnd);
      channel.pause();
      channel.write('\r\n');
      resolve(value);
    };
    const onEnd = (): void => finish(null);
    const onData = (data: Buffer): void => {
      for (const byte of data) {
        if (byte === 0x03 || byte === 0x04) return finish(null);
        if (byte === 0x0d || byte === 0x0a) return finish(line);
        if (byte === 0x7f || byte === 0x08) {
          if (line.length > 0) {
            line = line.slice(0, -1);
            channel.write('\b \b');
          }
        } else if (byte >= 0x20 && byte < 0x7f && line.length < maxLength) {
          line += String.fromCharCode(byte);
          channel.write(String.fromCharCode(byte));
        }
      }
    };
    channel.on('data', onData);
    channel.once('end', onEnd);
    channel.resume();
  });
}
