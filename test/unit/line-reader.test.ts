/**
 * The target menu's line reader: its echo waits for the user's terminal (a client that types but
 * never reads cannot make the bastion buffer without bound).
 */
import { describe, expect, it } from 'vitest';
import { readLine } from '../../src/tty/line-reader.js';
import { FakeUserChannel, settle, watch } from '../helpers/fake-channel.js';

describe('readLine', () => {
  it('stops reading while its echo waits for the client, and finishes the line once it is read', async () => {
    const user = new FakeUserChannel().block();
    const answer = readLine(user, 'Choose a target [1-2]: ', 8);
    const done = watch(answer);
    // Typing and erasing: every 2 bytes typed echo 4.
    for (let i = 0; i < 40; i++) user.type('a\x7f'.repeat(2048));
    user.type('2\r');
    await settle();
    expect(user.isPaused()).toBe(true);
    expect(user.readableLength).toBeGreaterThan(0);
    expect(user.writableLength).toBeLessThan(64 * 1024);
    expect(done.settled).toBe(false);

    user.drain();
    expect(await answer).toBe('2');
    expect(user.text.endsWith('2\r\n')).toBe(true);
  });
});
