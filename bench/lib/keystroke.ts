import { performance } from 'node:perf_hooks';
import * as pty from 'node-pty';
import { percentile } from './proc.js';
import type { Goal, Row } from './report.js';
import { alternate, PATHS, perPath, type PathName, type SshPaths } from './ssh-paths.js';

/**
 * How the target answers a key. `one-write`: `cat` in raw mode without echo, each byte comes back
 * once. `two-writes`: the terminal's echo and then `cat`'s own write, two small writes per key (as
 * an editor or a shell line editor does): the case where Nagle's algorithm on a leg meets the
 * peer's delayed ACK and stalls about 40 ms.
 */
export type EchoKind = 'one-write' | 'two-writes';

const ECHO_KINDS: readonly EchoKind[] = ['one-write', 'two-writes'];

const ECHO_SETUP: Record<EchoKind, { readonly stty: string; readonly copies: number }> = {
  'one-write': { stty: 'stty raw -echo', copies: 1 },
  'two-writes': { stty: 'stty -icanon', copies: 2 },
};

/** An interactive pty session on the target that sends each key back (once or twice, by kind). */
export interface EchoSession {
  /** Sends `count` single bytes one after the other; the round trip of each (all copies), in ms. */
  type(count: number): Promise<number[]>;
  close(): void;
}

const READY = 'BENCH-READY';

export async function openEchoSession(
  paths: SshPaths,
  path: PathName,
  kind: EchoKind = 'one-write',
): Promise<EchoSession> {
  const { stty, copies } = ECHO_SETUP[kind];
  const term = pty.spawn(
    'ssh',
    [...paths.args(path, ['-tt']), `${stty}; echo ${READY}; exec cat`],
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
            if (got.split(ch).length > copies) {
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

/** Round trips per path (ms, sorted): `count` keys in blocks of `block`, the paths alternating. */
async function measureKeystrokes(
  paths: SshPaths,
  kind: EchoKind,
  count: number,
  block: number,
): Promise<Record<PathName, number[]>> {
  const sessions = perPath<EchoSession | null>(() => null);
  try {
    for (const p of PATHS) sessions[p] = await openEchoSession(paths, p, kind);
    const runs = await alternate(count / block, (p) => sessions[p]!.type(block));
    return perPath((p) => runs[p].flat().sort((a, b) => a - b));
  } finally {
    for (const p of PATHS) sessions[p]?.close();
  }
}

export type Keystrokes = Record<EchoKind, Record<PathName, number[]>>;

/** Both cases, one after the other, each over the three paths. */
export async function measureBothKinds(
  paths: SshPaths,
  count: number,
  block: number,
  log: (line: string) => void,
): Promise<Keystrokes> {
  const out: Partial<Keystrokes> = {};
  for (const kind of ECHO_KINDS) {
    log(`keystrokes, ${kind}: ${count} per path in blocks of ${block}`);
    out[kind] = await measureKeystrokes(paths, kind, count, block);
  }
  return out as Keystrokes;
}

const label = (kind: EchoKind): string => (kind === 'one-write' ? '' : ', two writes');

export const keystrokeRows = (keys: Keystrokes): Row[] =>
  ECHO_KINDS.flatMap((kind) => rowsOf(kind, keys[kind]));

export const keystrokeGoals = (keys: Keystrokes): Goal[] =>
  ECHO_KINDS.flatMap((kind) => goalsOf(kind, keys[kind]));

function rowsOf(kind: EchoKind, sorted: Record<PathName, number[]>): Row[] {
  return [50, 99].map((q) => ({
    metric: `keystroke p${q}${label(kind)}`,
    unit: 'ms',
    values: perPath((p) => percentile(sorted[p], q)),
    higherIsBetter: false,
  }));
}

/** Issue 6: one write per key, +1 ms p50 and +3 ms p99 over direct; issue 16: +3 ms p99 with two. */
function goalsOf(kind: EchoKind, sorted: Record<PathName, number[]>): Goal[] {
  const added = (q: number): number =>
    percentile(sorted.gatehouse, q) - percentile(sorted.direct, q);
  const goal = (q: number, limit: number): Goal => ({
    goal: `keystroke${label(kind)} added p${q} <= ${limit} ms`,
    measured: `${added(q).toFixed(2)} ms`,
    met: added(q) <= limit,
  });
  return kind === 'one-write' ? [goal(50, 1), goal(99, 3)] : [goal(99, 3)];
}
