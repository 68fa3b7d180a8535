/** Transfer rights as lists, `show` commands, pages and messages name them. */
import { formatByteSize } from './byte-size.js';
import type { TransferRights } from './transfer-rights.js';

/** A path limit with whitespace is quoted, so the list of limits reads unambiguously. */
const shownGlob = (glob: string): string => (/\s/.test(glob) ? JSON.stringify(glob) : glob);

/**
 * One line: `-` for none; else the direction, the path limits (none: any path) and the budget,
 * e.g. `download /var/log/** budget 500MiB`.
 */
export function describeTransfer(rights: TransferRights): string {
  if (rights.direction === 'none') return '-';
  return [
    rights.direction,
    ...rights.paths.map(shownGlob),
    ...(rights.budgetBytes === null ? [] : [`budget ${formatByteSize(rights.budgetBytes)}`]),
  ].join(' ');
}

/** What is left of a budget after `used` bytes; null without a budget. */
export const transferLeft = (rights: TransferRights, used: number): number | null =>
  rights.budgetBytes === null ? null : Math.max(0, rights.budgetBytes - used);
