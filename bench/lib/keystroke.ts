import { performance } from 'node:perf_hooks';
import * as pty from 'node-pty';
import type { PathName, SshPaths } from './ssh-paths.js';

/** An interactive pty session running `cat` in raw mode on the target: each byte comes back once. */
export interface EchoSession {
  /** Sends `count` single bytes one after the other; the round trip of each, in ms. */
  type(count: number): Promise<number[]>;
  close(): void;
}

const READY = 'BENCH-READY';

export async function openEchoSession(paths: SshPaths, path: PathName): Promise<EchoSession> {
  const term = pty.spawn(
    'ssh',
    [...paths.args(path, ['-tt']), `stty raw -echo; echo ${READY}; exec cat`],
    {
      name: 'xterm',
      cols: 120,
      rows: 40,
      env: { ...process.env, LANG: 'C' },
    },
  );
  let pending: ((data: string) => void) | null = null;
  let seen = '';
  term.onData((data) => {
    if (pending !== null) pending(data);
    else seen += data;
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${path}: no echo session after 30 s: ${seen.slice(-300)}`)),
      30_000,
    );
    const check = setInterval(() => {
      if (seen.includes(READY)) {
        clearInterval(check);
        clearTimeout(timer);
        resolve();
      }
    }, 5);
  });
  // Whatever followed READY (its newline) is drained before the first keystroke.
  await new Promise((r) => setTimeout(r, 100));
  return {
    async type(count) {
      const out: number[] = [];
      for (let i = 0; i < count; i++) {
        const ch = String.fromCharCode(97 + (i % 26));
        const t0 = performance.now();
        await new Promise<void>((resolve, reject) => {
          let got = '';
          const timer = setTimeout(
            () => reject(new Error(`${path}: keystroke not echoed within 5 s`)),
            5000,
          );
          pending = (data) => {
            got += data;
            if (got.includes(ch)) {
              clearTimeout(timer);
              pending = null;
              resolve();
            }
          };
          term.write(ch);
        });
        out.push(performance.now() - t0);
      }
      return out;
    },
    close: () => term.kill(),
  };
}
