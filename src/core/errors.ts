/** Error codes map to CLI exit codes: `usage` → 2, everything else → 1. */
export type ErrorCode =
  'usage' | 'invalid' | 'not_found' | 'conflict' | 'refused' | 'config' | 'storage' | 'internal';

/** A fault or refusal with a one-line, user-safe message. */
export class GatehouseError extends Error {
  readonly code: ErrorCode;
  readonly userMessage: string;

  constructor(code: ErrorCode, userMessage: string, options?: { cause?: unknown }) {
    super(userMessage, options);
    this.name = 'GatehouseError';
    this.code = code;
    this.userMessage = userMessage;
  }
}

export const isGatehouseError = (e: unknown): e is GatehouseError => e instanceof GatehouseError;

/** The errno code of a failed file-system call (`ENOENT`, `EACCES` …), or `error` when it has none. */
export const errnoCode = (e: unknown): string =>
  (e as NodeJS.ErrnoException | null)?.code ?? 'error';

/** A file system error saying the file or folder is not there. */
export const isMissing = (e: unknown): boolean => errnoCode(e) === 'ENOENT';

/** What went wrong, as text: an Error's message, anything else as a string. */
export const errorMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * A message as one line: line breaks and the space around them become one space, and past `max`
 * characters it is cut with `...`. Never a stack or a multi-line dump in a log field or on stderr.
 */
export function oneLine(text: string, max = Number.POSITIVE_INFINITY): string {
  const line = text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max)}...` : line;
}
