import type { CliIo } from './context.js';

/**
 * The real stdout/stderr. A reader that stops early (`gatehouse audit list | head -1`) closes the
 * pipe: the next write fails with EPIPE. That reader has what it wanted, so the command ends
 * quietly with status 0 — no stack trace, no error line (DESIGN.md §2).
 */
export function processIo(proc: NodeJS.Process = process): CliIo {
  const endOnClosedPipe = (e: NodeJS.ErrnoException): void => {
    if (e.code !== 'EPIPE') throw e;
    proc.exit(0);
  };
  proc.stdout.on('error', endOnClosedPipe);
  proc.stderr.on('error', endOnClosedPipe);
  return {
    stdout: (text) => void proc.stdout.write(text),
    stderr: (text) => void proc.stderr.write(text),
  };
}
