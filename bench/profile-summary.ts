/**
 * Summarises a V8 .cpuprofile (node --cpu-prof): self time per function and per area, busiest
 * first. Usable on its own:  node dist/bench/profile-summary.js FILE.cpuprofile [top]
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: {
    readonly functionName: string;
    readonly url: string;
    readonly lineNumber: number;
  };
}
interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface ProfileEntry {
  readonly name: string;
  readonly selfMs: number;
  /** Share of the busy (non-idle) time. */
  readonly percent: number;
}

export interface ProfileSummary {
  readonly totalMs: number;
  readonly idleMs: number;
  readonly busyMs: number;
  readonly functions: readonly ProfileEntry[];
  readonly areas: readonly ProfileEntry[];
}

function shortUrl(url: string): string {
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length);
  const dist = url.lastIndexOf('/dist/');
  if (dist >= 0) return `gatehouse:${url.slice(dist + '/dist/'.length)}`;
  return url;
}

/** The part of the system a function belongs to: what an optimisation would target. */
function areaOf(name: string, url: string): string {
  if (name.startsWith('(')) return name; // (garbage collector), (program), (idle)
  if (url.includes('ssh2/lib/protocol/crypto')) return 'ssh2 crypto (cipher/MAC, JS side)';
  if (url.includes('ssh2/')) return 'ssh2 protocol/channels';
  if (url.includes('pino') || url.includes('sonic-boom')) return 'logging (pino)';
  if (url.includes('sqlite3')) return 'sqlite3';
  if (url.includes('/dist/recording/')) return 'gatehouse recording';
  if (url.includes('/dist/')) return 'gatehouse other';
  if (url.startsWith('node:stream') || url.includes('internal/streams')) return 'node streams';
  if (url.startsWith('node:') || url === '')
    return name === '' ? '(native/anonymous)' : `node core/native`;
  return 'other';
}

export function summariseProfile(profile: CpuProfile, top = 20): ProfileSummary {
  const byId = new Map<number, ProfileNode>(profile.nodes.map((n) => [n.id, n]));
  const fn = new Map<string, number>();
  const area = new Map<string, number>();
  let total = 0;
  let idle = 0;
  profile.samples.forEach((id, i) => {
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    const node = byId.get(id);
    if (node === undefined) return;
    const { functionName, url, lineNumber } = node.callFrame;
    const name = functionName === '' ? '(anonymous)' : functionName;
    total += dt;
    if (name === '(idle)') {
      idle += dt;
      return;
    }
    const key = url === '' ? name : `${name}  ${shortUrl(url)}:${lineNumber + 1}`;
    fn.set(key, (fn.get(key) ?? 0) + dt);
    const a = areaOf(name, url);
    area.set(a, (area.get(a) ?? 0) + dt);
  });
  const busy = total - idle;
  const rank = (m: Map<string, number>, n: number): ProfileEntry[] =>
    [...m.entries()]
      .sort((x, y) => y[1] - x[1])
      .slice(0, n)
      .map(([name, selfMs]) => ({ name, selfMs, percent: busy > 0 ? (selfMs / busy) * 100 : 0 }));
  return {
    totalMs: total,
    idleMs: idle,
    busyMs: busy,
    functions: rank(fn, top),
    areas: rank(area, 50),
  };
}

/**
 * The main thread's profile among those `--cpu-prof` wrote to a folder: node names them
 * `CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile`, the main thread's id 0 (a worker
 * thread writes its own).
 */
export function mainThreadProfile(files: readonly string[]): string | undefined {
  return files.find((f) => f.endsWith('.cpuprofile') && f.split('.')[4] === '0');
}

export async function summariseProfileFile(path: string, top = 20): Promise<ProfileSummary> {
  return summariseProfile(JSON.parse(await readFile(path, 'utf8')) as CpuProfile, top);
}

export function formatProfile(s: ProfileSummary): string {
  const lines = [
    `profile: ${(s.totalMs / 1000).toFixed(1)} s sampled, busy ${(s.busyMs / 1000).toFixed(1)} s, idle ${(s.idleMs / 1000).toFixed(1)} s (percentages of busy time)`,
    'by area:',
    ...s.areas.map(
      (e) =>
        `  ${e.percent.toFixed(1).padStart(5)}%  ${e.selfMs.toFixed(0).padStart(7)} ms  ${e.name}`,
    ),
    'top functions (self time):',
    ...s.functions.map(
      (e) =>
        `  ${e.percent.toFixed(1).padStart(5)}%  ${e.selfMs.toFixed(0).padStart(7)} ms  ${e.name}`,
    ),
  ];
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = process.argv[2];
  if (file === undefined) {
    console.error('usage: node dist/bench/profile-summary.js FILE.cpuprofile [top]');
    process.exit(2);
  }
  console.log(formatProfile(await summariseProfileFile(file, Number(process.argv[3] ?? 20))));
}
