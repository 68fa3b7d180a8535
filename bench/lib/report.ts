import type { PathName } from './ssh-paths.js';

export type PerPath = Readonly<Record<PathName, number>>;

export interface Row {
  readonly metric: string;
  readonly unit: string;
  readonly values: PerPath;
  /** true when bigger is better (throughput), for reading the ratios. */
  readonly higherIsBetter: boolean;
  /** Shown instead of a path's figure, e.g. `n/a: sftp refused`. */
  readonly notes?: Readonly<Partial<Record<PathName, string>>>;
}

export interface Goal {
  readonly goal: string;
  readonly measured: string;
  readonly met: boolean;
}

const fmt = (v: number): string =>
  !Number.isFinite(v)
    ? 'n/a'
    : Math.abs(v) >= 100
      ? v.toFixed(0)
      : Math.abs(v) >= 10
        ? v.toFixed(1)
        : v.toFixed(2);
const ratio = (a: number, b: number): string =>
  b > 0 && Number.isFinite(a) ? (a / b).toFixed(2) : 'n/a';

export function formatTable(rows: readonly Row[]): string {
  const header = ['metric', 'direct', 'ssh -J', 'gatehouse', 'gh/direct', 'gh/jump'];
  const body = rows.map((r) => [
    `${r.metric} (${r.unit})`,
    r.notes?.direct ?? fmt(r.values.direct),
    r.notes?.jump ?? fmt(r.values.jump),
    r.notes?.gatehouse ?? fmt(r.values.gatehouse),
    ratio(r.values.gatehouse, r.values.direct),
    ratio(r.values.gatehouse, r.values.jump),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

export function formatGoals(goals: readonly Goal[]): string {
  return goals.map((g) => `  [${g.met ? 'met' : 'NOT met'}] ${g.goal}: ${g.measured}`).join('\n');
}
