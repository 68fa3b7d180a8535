/**
 * File transfer in access requests (issue 16): the most a request rule allows (config
 * `requests.rules[].transfer`) and the rights a request asked for, resolved against it. A rule
 * that says nothing about transfer allows none. Path limits are compared as text, not as globs:
 * each asked limit must be one of the rule's (no limit asked: all of the rule's), which is safe
 * without deciding whether one glob lies inside another.
 */
import { formatByteSize } from './byte-size.js';
import { quoteForMessage as q } from './names.js';
import { NO_TRANSFER, type TransferDirection, type TransferRights } from './transfer-rights.js';

export interface TransferLimit {
  /** The widest direction: `both` allows either or both; `none` no transfer at all. */
  readonly direction: TransferDirection;
  /** The path limits a request may carry; empty: any limits, or none at all (any path). */
  readonly paths: readonly string[];
  /** The largest budget, also the budget of a request that names none; null: no maximum. */
  readonly maxBudgetBytes: number | null;
}

export const NO_TRANSFER_LIMIT: TransferLimit = {
  direction: 'none',
  paths: [],
  maxBudgetBytes: null,
};

export type TransferResolution =
  | { readonly ok: true; readonly rights: TransferRights }
  | { readonly ok: false; readonly message: string };

const covers = (widest: TransferDirection, asked: TransferDirection): boolean =>
  widest === asked || (widest === 'both' && asked !== 'none');

/**
 * The rights a grant from this request carries under `limit`, or why the rule (named in the
 * message, with the target) does not allow them. With `fillFromRule` (a request being filed) no
 * path limit asked means the rule's and no budget asked its maximum; without it (a decision, an
 * extension: rights as they are or will be granted) they must fit as they are.
 */
export function resolveTransfer(
  limit: TransferLimit,
  asked: TransferRights,
  where: { readonly rule: string; readonly target: string; readonly fillFromRule: boolean },
): TransferResolution {
  if (asked.direction === 'none') return { ok: true, rights: NO_TRANSFER };
  const at = `for ${where.target} (rule ${where.rule}`;
  const refused = (what: string, allows?: string): TransferResolution => ({
    ok: false,
    message: `request: ${what} is not offered ${at}${allows === undefined ? '' : ` allows ${allows}`})`,
  });
  if (limit.direction === 'none') return refused('file transfer');
  if (!covers(limit.direction, asked.direction))
    return refused(`--transfer ${asked.direction}`, limit.direction);
  const rulePaths = limit.paths.join(' ');
  const paths = asked.paths.length === 0 && where.fillFromRule ? limit.paths : asked.paths;
  if (limit.paths.length > 0) {
    if (paths.length === 0) return refused('file transfer on any path', rulePaths);
    const outside = paths.find((glob) => !limit.paths.includes(glob));
    if (outside !== undefined) return refused(`--transfer-path ${q(outside)}`, rulePaths);
  }
  const max = limit.maxBudgetBytes;
  const budgetBytes = asked.budgetBytes === null && where.fillFromRule ? max : asked.budgetBytes;
  if (max !== null && (budgetBytes === null || budgetBytes > max))
    return refused(
      budgetBytes === null
        ? 'file transfer without a budget'
        : `--transfer-budget ${formatByteSize(budgetBytes)}`,
      `at most ${formatByteSize(max)}`,
    );
  return { ok: true, rights: { direction: asked.direction, paths, budgetBytes } };
}
