import { pino, type DestinationStream, type LevelWithSilent, type Logger } from 'pino';
import { prettyDestination } from './pretty-stream.js';

export type { Logger };

/**
 * Field names never written to logs, at the top level or one level down (DESIGN.md §7): keys,
 * signatures, passwords, keyboard-interactive answers, webhook secrets.
 */
const SECRET_FIELDS = [
  'signature',
  'secret',
  'privateKey',
  'key',
  'password',
  'passphrase',
  'responses',
  'answers',
];
export const REDACT_PATHS: readonly string[] = [
  ...SECRET_FIELDS,
  ...SECRET_FIELDS.map((f) => `*.${f}`),
];

export interface LoggerOptions {
  readonly level: LevelWithSilent;
  /** Defaults to stderr, so command output on stdout stays clean. */
  readonly destination?: DestinationStream;
}

/** The one root logger of the process; everything else uses `child()` of it. */
export function createRootLogger(options: LoggerOptions): Logger {
  const settings = {
    level: options.level,
    base: { app: 'gatehouse' },
    redact: { paths: [...REDACT_PATHS], censor: '[redacted]' },
  };
  return pino(settings, options.destination ?? pino.destination({ fd: 2, sync: false }));
}

/**
 * Where `gatehouse serve` logs (issue 7): JSON lines on stdout, or readable lines when stdout is
 * a terminal (colours unless NO_COLOR is set). Other commands keep logging to stderr.
 */
export function serveLogDestination(
  stdout: { readonly isTTY?: boolean; write(text: string): unknown } = process.stdout,
  env: NodeJS.ProcessEnv = process.env,
): DestinationStream {
  if (stdout.isTTY === true)
    return prettyDestination(stdout, env['NO_COLOR'] === undefined || env['NO_COLOR'] === '');
  if (stdout === process.stdout) return pino.destination({ fd: 1, sync: false });
  return { write: (line: string) => void stdout.write(line) };
}

/** A logger that writes nothing (tests, tools). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
