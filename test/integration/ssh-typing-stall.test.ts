import type ssh2 from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBastion, type BastionFixture, type TestUser } from '../helpers/bastion.js';
import { ssh2Connect } from '../helpers/ssh2-client.js';

let b: BastionFixture;
beforeAll(async () => {
  b = await startBastion();
});
afterAll(async () => {
  await b.stop();
});

const READY = 'TYPING-READY';
const KEYS = 15;
const CONNECTIONS = 3;

/** The pty channel's output, and a wait for `copies` of `text` after `from`. */
function collect(channel: ssh2.ClientChannel): {
  seen(from: number, text: string, copies: number): Promise<void>;
  length(): number;
} {
  let out = '';
  const waiters = new Set<() => void>();
  channel.on('data', (d: Buffer) => {
    out += d.toString('latin1');
    for (const w of waiters) w();
  });
  return {
    length: () => out.length,
    seen: (from, text, copies) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(`no ${copies} x ${text} within 10 s: ${JSON.stringify(out.slice(-200))}`),
          );
        }, 10_000);
        const check = (): void => {
          if (out.slice(from).split(text).length > copies) {
            clearTimeout(timer);
            waiters.delete(check);
            resolve();
          }
        };
        waiters.add(check);
        check();
      }),
  };
}

/** Round trips (ms) of `KEYS` keys on one new connection, each until both its copies are back. */
async function typeKeys(user: TestUser): Promise<number[]> {
  const client = await ssh2Connect(b.login(user));
  client.setNoDelay(true); // as OpenSSH's client does for a session with a tty
  try {
    const channel = await new Promise<ssh2.ClientChannel>((resolve, reject) =>
      client.exec(
        `stty -icanon; echo ${READY}; exec cat`,
        { pty: { term: 'xterm', cols: 80, rows: 24 } },
        (err, ch) => (err ? reject(err) : resolve(ch)),
      ),
    );
    const output = collect(channel);
    await output.seen(0, READY, 1);
    await new Promise((r) => setTimeout(r, 100)); // the line's end
    const roundTrips: number[] = [];
    for (let i = 0; i < KEYS; i++) {
      const key = String.fromCharCode(97 + (i % 26));
      const from = output.length();
      const t0 = performance.now();
      channel.write(key);
      await output.seen(from, key, 2);
      roundTrips.push(performance.now() - t0);
    }
    channel.end();
    return roundTrips.sort((x, y) => x - y);
  } finally {
    client.end();
  }
}

describe('typing into a program that echoes and writes back each key', () => {
  // The terminal's echo and `cat`'s write are two small writes per key. With Nagle's algorithm
  // on a leg, the second waits for the peer's delayed ACK: about 40 ms on most keys (issue 16).
  // Now and then a connection's ACKs come at once and it does not stall: three connections.
  it('gets both writes of each key back without a delayed-ACK stall', async () => {
    const alice = await b.userWithGrant('alice');
    for (let connection = 0; connection < CONNECTIONS; connection++) {
      const roundTrips = await typeKeys(alice);
      // A stall is the delayed ACK's 40 ms on most keys; a loaded machine's noise is not.
      const median = roundTrips[Math.floor(KEYS / 2)] ?? Infinity;
      expect(
        median,
        `connection ${connection}, round trips (ms): ${roundTrips.map((t) => t.toFixed(1)).join(' ')}`,
      ).toBeLessThan(20);
    }
  });
});
