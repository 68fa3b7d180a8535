/** `grant add`'s file transfer options (issue 16): `--transfer`, `--transfer-path`, `--transfer-budget`. */
import type { Command } from 'commander';
import { transferFromInput } from '../core/transfer-input.js';
import type { TransferRights } from '../core/transfer-rights.js';
import { usage } from './validate.js';

export interface TransferOptions {
  readonly transfer?: string;
  readonly transferPath: string[];
  readonly transferBudget?: string;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function addTransferOptions(command: Command): Command {
  return command
    .option(
      '--transfer <direction>',
      'file transfer through SFTP/scp: none (default), download, upload or both',
    )
    .option(
      '--transfer-path <glob>',
      "limit transfers to matching absolute paths, e.g. '/var/log/**' (repeat for more; default: any path)",
      collect,
      [],
    )
    .option(
      '--transfer-budget <size>',
      'bytes the grant may move over all its sessions: 500MiB, 2GiB (default: no budget)',
    );
}

/** The rights the options give; a usage error (exit 2) naming the option when they are wrong. */
export function requireTransfer(opts: TransferOptions): TransferRights {
  const parsed = transferFromInput({
    direction: opts.transfer,
    paths: opts.transferPath,
    budget: opts.transferBudget,
  });
  if (!parsed.ok) throw usage(parsed.message);
  return parsed.rights;
}

/** Whether any transfer option was given (else a profile's rights apply). */
export const transferTyped = (opts: TransferOptions): boolean =>
  opts.transfer !== undefined || opts.transferPath.length > 0 || opts.transferBudget !== undefined;
