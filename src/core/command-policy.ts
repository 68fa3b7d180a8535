/**
 * Command allowlists for `commands` grants (DESIGN.md §5, issue 4): the one entry point for the
 * CLI (validate patterns at grant time), the ssh layer (match an exec, quote the canonical argv)
 * and the restricted prompt.
 */
export {
  isSafeChar,
  MAX_COMMAND_BYTES,
  parsePattern,
  validatePatterns,
  type CommandPattern,
  type PatternParse,
  type PatternsCheck,
  type PatternWord,
} from './command-pattern.js';
export {
  matchArgv,
  matchCommand,
  matchWord,
  type CommandDenialReason,
  type CommandMatch,
} from './command-match.js';
export { quoteArgv, shellQuote } from './shell-quote.js';
