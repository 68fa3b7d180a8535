/**
 * Transfer rights as typed (`--transfer`, `--transfer-path`, `--transfer-budget`): by an admin on
 * `grant add` and by a user on `ssh USER@bastion request`. Each problem is one line naming the
 * option; shown values are quoted, so a user's text never reads as gatehouse's own words.
 */
import { parseByteSize } from './byte-size.js';
import { quoteForMessage as q } from './names.js';
import {
  MAX_TRANSFER_PATHS,
  NO_TRANSFER,
  TRANSFER_DIRECTIONS,
  transferGlobProblem,
  type TransferDirection,
  type TransferRights,
} from './transfer-rights.js';

export interface TransferInput {
  /** Absent: none. */
  readonly direction?: string | undefined;
  readonly paths: readonly string[];
  readonly budget?: string | undefined;
}

export type TransferInputResult =
  | { readonly ok: true; readonly rights: TransferRights }
  | { readonly ok: false; readonly message: string };

const isDirection = (text: string): text is TransferDirection =>
  (TRANSFER_DIRECTIONS as readonly string[]).includes(text);

const refused = (message: string): TransferInputResult => ({ ok: false, message });

export function transferFromInput(input: TransferInput): TransferInputResult {
  const direction = input.direction ?? 'none';
  if (!isDirection(direction))
    return refused(`--transfer: ${q(direction)} is not one of ${TRANSFER_DIRECTIONS.join(', ')}`);
  if (direction === 'none') {
    if (input.paths.length > 0)
      return refused('--transfer-path: needs --transfer download, upload or both');
    if (input.budget !== undefined)
      return refused('--transfer-budget: needs --transfer download, upload or both');
    return { ok: true, rights: NO_TRANSFER };
  }
  const paths = [...new Set(input.paths)];
  if (paths.length > MAX_TRANSFER_PATHS)
    return refused(`--transfer-path: at most ${MAX_TRANSFER_PATHS} path limits`);
  for (const glob of paths) {
    const problem = transferGlobProblem(glob);
    if (problem !== null) return refused(`--transfer-path: ${problem}`);
  }
  let budgetBytes: number | null = null;
  if (input.budget !== undefined) {
    const size = parseByteSize(input.budget);
    if (!size.ok) return refused(`--transfer-budget: ${size.message}`);
    budgetBytes = size.bytes;
  }
  return { ok: true, rights: { direction, paths, budgetBytes } };
}
