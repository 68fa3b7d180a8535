import { z } from 'zod';
import { compileAlertRules } from '../core/alert-rules.js';

/**
 * Config `alerts` (issue 15): `{name, match, on, action}` rules, their patterns compiled at load
 * (core/alert-pattern.ts), so a bad pattern refuses the config, at start or on SIGHUP, with one
 * line naming the rule.
 */
const rule = z
  .object({
    name: z
      .string()
      .regex(/^[a-z][a-z0-9._-]{0,63}$/, 'must be a lowercase name (a-z, 0-9, . _ -)'),
    match: z.string(),
    on: z.enum(['command', 'output', 'input']),
    action: z.enum(['flag', 'notify', 'end']),
  })
  .strict();

export const alertsSchema = z
  .array(rule)
  .max(100)
  .default([])
  .transform((specs, ctx) => {
    const compiled = compileAlertRules(specs);
    if (compiled.ok) return compiled.rules;
    ctx.addIssue({ code: 'custom', message: compiled.message });
    return z.NEVER;
  });
