import { z } from 'zod';
import { parseByteSize } from '../core/byte-size.js';
import type { TransferLimit } from '../core/request-transfer.js';
import type { TransferRights } from '../core/transfer-rights.js';
import {
  MAX_TRANSFER_PATHS,
  TRANSFER_DIRECTIONS,
  transferGlobProblem,
} from '../core/transfer-rights.js';

/**
 * Config `requests.rules[].transfer` (issue 16): the most file transfer a request under the rule
 * may carry (core/request-transfer.ts). Absent: none.
 *
 *   transfer: { direction: download, paths: ['/var/log/**'], maxBudget: 2GiB }
 */
const pathLimit = z.string().superRefine((glob, ctx) => {
  const problem = transferGlobProblem(glob);
  if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
});

const budget = z.string().transform((text, ctx) => {
  const parsed = parseByteSize(text);
  if (parsed.ok) return parsed.bytes;
  ctx.addIssue({ code: 'custom', message: parsed.message });
  return z.NEVER;
});

export const requestTransferSchema = z
  .object({
    direction: z.enum(TRANSFER_DIRECTIONS),
    paths: z.array(pathLimit).max(MAX_TRANSFER_PATHS).default([]),
    maxBudget: budget.optional(),
  })
  .strict()
  .transform(({ direction, paths, maxBudget }): TransferLimit => ({
    direction,
    paths: [...new Set(paths)],
    maxBudgetBytes: maxBudget ?? null,
  }));

/**
 * Transfer rights as a profile carries them (config `profiles.NAME.transfer`): what `grant add
 * --profile` gives, and a request for the profile asks for, when no transfer option is typed.
 *
 *   transfer: { direction: download, paths: ['/var/log/**'], budget: 500MiB }
 */
export const transferRightsSchema = z
  .object({
    direction: z.enum(TRANSFER_DIRECTIONS),
    paths: z.array(pathLimit).max(MAX_TRANSFER_PATHS).default([]),
    budget: budget.optional(),
  })
  .strict()
  .superRefine(({ direction, paths, budget }, ctx) => {
    if (direction === 'none' && (paths.length > 0 || budget !== undefined))
      ctx.addIssue({
        code: 'custom',
        message: 'paths and budget need direction download, upload or both',
      });
  })
  .transform(({ direction, paths, budget }): TransferRights => ({
    direction,
    paths: [...new Set(paths)],
    budgetBytes: budget ?? null,
  }));
