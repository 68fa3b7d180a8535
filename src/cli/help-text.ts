import { Help, type Command } from 'commander';

/** `--help` marks required options, so nobody learns of them from an error. */
export function markRequiredOptions(cmd: Command): void {
  const base = new Help();
  cmd.configureHelp({
    optionDescription: (option) => {
      const text = base.optionDescription(option);
      return option.mandatory ? `${text} (required)` : text;
    },
  });
}

/** An Examples section for `.addHelpText('after', …)`; each line is a full command line. */
export function examples(...lines: readonly string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;
}
