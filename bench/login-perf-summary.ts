/** Parses `perf script -F comm,pid,tid,ip,sym,dso` output and sums samples per process kind and gatehouse area. */

export interface PerfSample {
  readonly comm: string;
  readonly pid: number;
  readonly tid: number;
  /** Symbols with their DSO, leaf first. */
  readonly frames: readonly string[];
}

export interface Tally {
  readonly name: string;
  readonly samples: number;
}

export interface PerfSummary {
  readonly total: number;
  readonly processes: readonly Tally[];
  readonly gatehouseAreas: readonly Tally[];
}

const HEADER = /^(\S.*?)\s+(\d+)\/(\d+)\s*$/;

export function parsePerfScript(text: string): PerfSample[] {
  const samples: PerfSample[] = [];
  let current: { comm: string; pid: number; tid: number; frames: string[] } | null = null;
  for (const line of text.split('\n')) {
    if (line.trim() === '') {
      if (current !== null) samples.push(current);
      current = null;
      continue;
    }
    if (!line.startsWith(' ') && !line.startsWith('\t')) {
      const m = HEADER.exec(line);
      current =
        m === null
          ? null
          : { comm: m[1]!.trim(), pid: Number(m[2]), tid: Number(m[3]), frames: [] };
      continue;
    }
    // "\tffffffff8225fd65 symbol (dso)"
    current?.frames.push(line.trim().replace(/^[0-9a-f]+ /, ''));
  }
  if (current !== null) samples.push(current);
  return samples;
}

function processKind(
  s: PerfSample,
  pids: { readonly gatehousePid: number; readonly driverPid: number },
): string {
  if (s.pid === pids.gatehousePid)
    return s.tid === s.pid
      ? 'gatehouse (main thread)'
      : 'gatehouse (worker threads: libuv pool, V8)';
  if (s.pid === pids.driverPid) return 'bench driver (node, spawning ssh)';
  if (s.comm === 'swapper') return 'idle';
  if (s.comm === 'sshd') return 'target sshd (all its processes)';
  if (s.comm === 'ssh') return 'ssh client';
  if (['sh', 'bash', 'dash', 'true', 'clean-shell.sh'].includes(s.comm))
    return 'target shell (sh -c true)';
  return `other: ${s.comm.replace(/[0-9]+$/, '')}`;
}

const has = (frames: readonly string[], test: (f: string) => boolean): boolean => frames.some(test);

/**
 * The area a gatehouse sample is charged to: the first owner found anywhere on its stack, in the
 * order below (so the store's sqlite3 calls count as store even when ssh2 code is further up).
 */
function gatehouseArea(frames: readonly string[]): string {
  if (has(frames, (f) => f.includes('node_sqlite3') || f.includes('/dist/store/')))
    return 'store (gatehouse store + sqlite3)';
  if (has(frames, (f) => f.includes('/dist/recording/') || f.includes('recording-taps')))
    return 'recording';
  if (has(frames, (f) => f.includes('pino') || f.includes('sonic-boom'))) return 'logging (pino)';
  if (
    has(
      frames,
      (f) => f.includes('keyParser.js') || f.includes('PEM_read') || f.includes('ParsePrivateKey'),
    )
  )
    return 'ssh2 key parse/sign/verify';
  if (has(frames, (f) => f.includes('ssh2/lib/protocol/kex.js'))) return 'ssh2 key exchange';
  if (has(frames, (f) => f.includes('/dist/')))
    return 'gatehouse ssh/core code (and what it calls)';
  if (has(frames, (f) => f.includes('ssh2/lib/protocol/crypto') || f.includes('sshcrypto')))
    return 'ssh2 cipher/MAC';
  if (has(frames, (f) => f.includes('ssh2/'))) return 'ssh2 protocol';
  if (has(frames, (f) => /GarbageCollect|Heap::|Scavenge|MarkCompact|Sweeper/.test(f)))
    return 'V8 garbage collection';
  if (has(frames, (f) => /compiler::|Compile|Maglev|Turbofan|Baseline/.test(f)))
    return 'V8 compilers';
  if (has(frames, (f) => /uv__read|onStreamRead|uv__write|writeGeneric|tcp_|sock_/.test(f)))
    return 'node socket I/O';
  if (has(frames, (f) => /epoll_wait|uv__io_poll|futex/.test(f)))
    return 'event loop / thread wake-ups';
  return 'other';
}

const ranked = (m: Map<string, number>): Tally[] =>
  [...m].map(([name, samples]) => ({ name, samples })).sort((a, b) => b.samples - a.samples);

export function summarisePerf(
  samples: readonly PerfSample[],
  pids: { readonly gatehousePid: number; readonly driverPid: number },
): PerfSummary {
  const processes = new Map<string, number>();
  const areas = new Map<string, number>();
  for (const s of samples) {
    const kind = processKind(s, pids);
    processes.set(kind, (processes.get(kind) ?? 0) + 1);
    if (s.pid === pids.gatehousePid) {
      const area = `${s.tid === s.pid ? 'main' : 'worker'}: ${gatehouseArea(s.frames)}`;
      areas.set(area, (areas.get(area) ?? 0) + 1);
    }
  }
  return { total: samples.length, processes: ranked(processes), gatehouseAreas: ranked(areas) };
}
