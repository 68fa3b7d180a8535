/**
 * A small Prometheus registry: counters with labels and gauges read at scrape time, rendered in
 * the text exposition format 0.0.4. No dependency; enough for a handful of process metrics.
 */

export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Distinct label sets one counter keeps; later new ones are counted under the `other` value. */
const MAX_SERIES = 200;
const OVERFLOW = 'other';

type Labels = Readonly<Record<string, string>>;

export interface Counter {
  inc(labels?: Labels, by?: number): void;
}

interface Family {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge';
  render(): string[];
}

const escapeHelp = (text: string): string => text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
const escapeLabel = (text: string): string =>
  text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

function labelText(names: readonly string[], labels: Labels): string {
  if (names.length === 0) return '';
  return `{${names.map((n) => `${n}="${escapeLabel(labels[n] ?? '')}"`).join(',')}}`;
}

const sampleValue = (v: number): string =>
  Number.isFinite(v) ? String(v) : v > 0 ? '+Inf' : v < 0 ? '-Inf' : 'NaN';

export class MetricsRegistry {
  private readonly families: Family[] = [];

  /**
   * A monotonically increasing counter. `labelNames` are fixed; `initial` label sets are exported
   * as 0 before anything is counted (so a rate() over them works from the first scrape).
   */
  counter(
    name: string,
    help: string,
    labelNames: readonly string[] = [],
    initial: readonly Labels[] = [],
  ): Counter {
    const series = new Map<string, { labels: Labels; value: number }>();
    const keyOf = (labels: Labels): string => labelNames.map((n) => labels[n] ?? '').join('\u0000');
    const add = (labels: Labels, by: number): void => {
      let key = keyOf(labels);
      let entry = series.get(key);
      if (entry === undefined && series.size >= MAX_SERIES) {
        const overflow = Object.fromEntries(labelNames.map((n) => [n, OVERFLOW]));
        key = keyOf(overflow);
        entry = series.get(key);
        labels = overflow;
      }
      if (entry === undefined) {
        entry = {
          labels: Object.fromEntries(labelNames.map((n) => [n, labels[n] ?? ''])),
          value: 0,
        };
        series.set(key, entry);
      }
      entry.value += by;
    };
    for (const labels of initial) add(labels, 0);
    if (labelNames.length === 0) add({}, 0);
    this.families.push({
      name,
      help,
      type: 'counter',
      render: () =>
        [...series.values()].map(
          (s) => `${name}${labelText(labelNames, s.labels)} ${sampleValue(s.value)}`,
        ),
    });
    return {
      inc: (labels = {}, by = 1) => {
        if (!(by >= 0) || !Number.isFinite(by)) return; // counters only go up
        add(labels, by);
      },
    };
  }

  /** A gauge whose value is read when /metrics is scraped. */
  gauge(name: string, help: string, read: () => number): void {
    this.families.push({
      name,
      help,
      type: 'gauge',
      render: () => [`${name} ${sampleValue(read())}`],
    });
  }

  /** The text exposition format 0.0.4, one family after the other, ending with a newline. */
  render(): string {
    const lines: string[] = [];
    for (const f of this.families) {
      lines.push(
        `# HELP ${f.name} ${escapeHelp(f.help)}`,
        `# TYPE ${f.name} ${f.type}`,
        ...f.render(),
      );
    }
    return `${lines.join('\n')}\n`;
  }
}
