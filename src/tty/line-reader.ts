import type { UserChannel } from '../stream/channels.js';

/**
 * Reads one line from a user's pty channel. The client's terminal is in raw mode, so we echo and
 * handle backspace ourselves; while the echo waits for the client to read it, no more input is
 * read. Resolves null on Ctrl-C, Ctrl-D or channel end.
 */
export function readLine(
  channel: UserChannel,
  prompt: string,
  maxLength = 200,
): Promise<string | null> {
  channel.write(prompt);
  return new Promise((resolve) => {
    let line = '';
    const onDrain = (): void => {
      channel.resume();
    };
    const finish = (value: string | null): void => {
      channel.removeListener('data', onData);
      channel.removeListener('end', onEnd);
      channel.removeListener('drain', onDrain);
      channel.pause();
      channel.write('\r\n');
      resolve(value);
    };
    const onEnd = (): void => finish(null);
    const onData = (data: Buffer): void => {
      let echo = '';
      let answer: string | null | undefined;
      for (const byte of data) {
        if (byte === 0x03 || byte === 0x04) answer = null;
        else if (byte === 0x0d || byte === 0x0a) answer = line;
        else if (byte === 0x7f || byte === 0x08) {
          if (line.length > 0) {
            line = line.slice(0, -1);
            echo += '\b \b';
          }
        } else if (byte >= 0x20 && byte < 0x7f && line.length < maxLength) {
          line += String.fromCharCode(byte);
          echo += String.fromCharCode(byte);
        }
        if (answer !== undefined) break;
      }
      // One write per chunk, at most 3 bytes per byte typed.
      if (echo !== '' && !channel.write(echo)) channel.pause();
      if (answer !== undefined) finish(answer);
    };
    channel.on('data', onData);
    channel.on('drain', onDrain);
    channel.once('end', onEnd);
    channel.resume();
  });
}
