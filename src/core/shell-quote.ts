/**
 * Quoting a canonical argv for the target's POSIX shell. The target's sshd hands the exec string
 * to the login shell, so gatehouse sends each argument single-quoted: the shell then sees exactly
 * the argv that matched, and nothing in it is interpreted.
 */
import { isArgChar } from './command-pattern.js';

/** `arg` as one POSIX sh word: single-quoted, each `'` written as `'\''`. Any string is allowed. */
export function shellQuote(arg: string): string {
  return `'${arg.replaceAll("'", "'\\''")}'`;
}

/**
 * The command line for a canonical argv (as returned by matchCommand). Defence in depth: throws
 * when the argv is empty or an argument is empty or holds a character outside the safe set (or a
 * space), which matching never produces.
 */
export function quoteArgv(argv: readonly string[]): string {
  if (argv.length === 0) throw new Error('quoteArgv: empty argv');
  for (const [i, arg] of argv.entries()) {
    if (arg === '' || !Array.from(arg).every(isArgChar)) {
      throw new Error(
        `quoteArgv: argument ${i} is empty or holds a character outside the safe set`,
      );
    }
  }
  return argv.map(shellQuote).join(' ');
}
