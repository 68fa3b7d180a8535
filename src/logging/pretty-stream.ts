/**
 * Human-readable log lines for a terminal (issue 7: "pretty when a TTY"), without pino-pretty:
 * `12:34:56.789 INFO  ssh listening host=127.0.0.1 port=2222`. pino still produces the JSON line
 * (redaction included); this only re-renders it.
 */

const LEVELS: Readonly<Record<number, { readonly name: string; readonly color: string }>> = {
  10: { name: 'TRACE', color: '90' },
  20: { name: 'DEBUG', color: '36' },
  30: { name: 'INFO ', color: '32' },
  40: { name: 'WARN ', color: '33' },
  50: { name: 'ERROR', color: '31' },
  60: { name: 'FATAL', color: '35' },
};

/** Fields every line has and that the layout already shows (or that are noise on a terminal). */
const HIDDEN = new Set(['level', 'time', 'msg', 'app', 'pid', 'hostname', 'v']);

const paint = (on: boolean, code: string, text: string): string =>
  on ? `\u001b[${code}m${text}\u001b[0m` : text;

/** Escapes terminal control characters: a logged user name must not drive the operator's terminal. */
const printable = (text: string): string =>
  [...text]
    .map((c) => {
      const code = c.charCodeAt(0);
      return code < 0x20 || (code >= 0x7f && code <= 0x9f)
        ? `\\x${code.toString(16).padStart(2, '0')}`
        : c;
    })
    .join('');

function fieldValue(value: unknown): string {
  if (typeof value === 'string')
    return /^[^\s"=]+$/.test(value) ? printable(value) : printable(JSON.stringify(value));
  if (typeof value === 'number' || typeof value === 'boolean' || value === null)
    return String(value);
  return printable(JSON.stringify(value));
}

function clockTime(time: unknown): string {
  const d = typeof time === 'number' ? new Date(time) : new Date();
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** One pino JSON line as one terminal line (plus an indented stack for errors). Non-JSON passes through. */
export function formatLogLine(line: string, colors: boolean): string {
  let entry: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(line);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      return line.endsWith('\n') ? line : `${line}\n`;
    entry = parsed as Record<string, unknown>;
  } catch {
    return line.endsWith('\n') ? line : `${line}\n`;
  }
  const level = LEVELS[typeof entry['level'] === 'number' ? entry['level'] : 30] ?? {
    name: 'LOG  ',
    color: '0',
  };
  const parts = [
    paint(colors, '90', clockTime(entry['time'])),
    paint(colors, level.color, level.name),
    printable(typeof entry['msg'] === 'string' ? entry['msg'] : fieldValue(entry['msg'] ?? '')),
  ];
  let stack: string | null = null;
  for (const [key, value] of Object.entries(entry)) {
    if (HIDDEN.has(key)) continue;
    if (key === 'err' && value !== null && typeof value === 'object') {
      const err = value as { message?: unknown; stack?: unknown };
      parts.push(`${paint(colors, '90', 'err=')}${fieldValue(err.message ?? value)}`);
      if (typeof err.stack === 'string') stack = err.stack;
      continue;
    }
    parts.push(`${paint(colors, '90', `${key}=`)}${fieldValue(value)}`);
  }
  const indented =
    stack === null
      ? ''
      : `${stack
          .split('\n')
          .map((l) => `    ${printable(l)}`)
          .join('\n')}\n`;
  return `${parts.join(' ')}\n${indented}`;
}

/** A pino destination that writes formatted lines to `out` (a terminal). */
export function prettyDestination(
  out: { write(text: string): unknown },
  colors: boolean,
): { write(line: string): void } {
  return {
    write: (chunk: string) => {
      // pino writes one JSON line per call; split defensively all the same.
      for (const line of chunk.split('\n')) if (line !== '') out.write(formatLogLine(line, colors));
    },
  };
}
