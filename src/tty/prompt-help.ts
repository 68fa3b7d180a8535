import type { CommandPattern } from '../core/command-policy.js';

/** The restricted prompt's `help`: the grant's patterns as the user types them, and the keys. */
export function helpText(patterns: readonly CommandPattern[]): string {
  return [
    'Allowed commands:',
    ...patterns.map((p) => `  ${p.source}`),
    'Placeholders: {int} a number, {word} a name (letters, digits, . _ -), {path:GLOB} an absolute',
    'path matching GLOB, {enum:a|b} one of the words. Words are separated by single spaces; no',
    'quotes, pipes, redirections or variables.',
    'Also: help, exit. Tab completes, Up/Down recall earlier lines, Ctrl-C interrupts a command.',
    '',
  ].join('\n');
}
