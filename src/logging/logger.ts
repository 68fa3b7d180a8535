import { pino, type DestinationStream, type LevelWithSilent, type Logger } from 'pino';

export type { Logger };

/**
 * Field names never written to logs, at the top level or one level down (DESIGN.md §7): keys,
 * signatures, passwords, keyboard-interactive answers.
 */
const SECRET_FIELDS = ['signature', 'privateKey', 'key', 'password', 'passphrase', 'responses', 'answers'];
export const REDACT_PATHS: readonly string[] = [...SECRET_FIELDS, ...SECRET_FIELDS.map((f) => `*.${f}`)];

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

/** A logger that writes nothing (tests, tools). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
