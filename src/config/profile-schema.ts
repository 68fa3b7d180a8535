/**
 * Config `profiles`: named allowlists for `grant add --profile NAME` and `request --profile NAME`,
 * each a list of command patterns or, to carry file transfer rights too (issue 16),
 *
 *   log-reader:
 *     allow: ['tail -n * /var/log/*', 'journalctl *']
 *     transfer: { direction: download, paths: ['/var/log/**'], budget: 500MiB }
 *
 * Patterns are checked at load time, so a grant never meets a bad one.
 */
import { z } from 'zod';
import { validatePatterns } from '../core/command-policy.js';
import type { Profile } from '../core/profile.js';
import { NO_TRANSFER } from '../core/transfer-rights.js';
import { transferRightsSchema } from './request-transfer-schema.js';

const patterns = z
  .array(z.string().min(1))
  .min(1)
  .superRefine((list, ctx) => {
    const check = validatePatterns(list);
    if (!check.ok) ctx.addIssue({ code: 'custom', message: check.message });
  });

const profile = z
  .object({ allow: patterns, transfer: transferRightsSchema.optional() })
  .strict()
  .transform(({ allow, transfer }): Profile => ({ allow, transfer: transfer ?? NO_TRANSFER }));

const listForm = patterns.transform((allow): Profile => ({ allow, transfer: NO_TRANSFER }));

/** A bare list is the allowlist alone (the form before profiles carried transfer rights). */
export const profileSchema = z.unknown().transform((value, ctx): Profile => {
  const parsed = (Array.isArray(value) ? listForm : profile).safeParse(value);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) ctx.addIssue({ ...issue });
  return z.NEVER;
});

export const profilesSchema = z
  .record(z.string().regex(/^[a-z][a-z0-9._-]{0,63}$/), profileSchema)
  .default({});
