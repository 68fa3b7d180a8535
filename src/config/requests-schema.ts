import { z } from 'zod';
import { principalsOf, type RequestRule } from '../core/request-rules.js';
import { NO_TRANSFER_LIMIT } from '../core/request-transfer.js';
import { requestTransferSchema } from './request-transfer-schema.js';

/**
 * Config `groups` and `requests` (issue 14): who may request access to what and who approves
 * (core/request-rules.ts). Checked when loaded, so a rule that could never be approved, a glob
 * with a character no target name has or a group nobody defined is refused at load, not at the
 * first request.
 */

const NAME = /^[a-z][a-z0-9._-]{0,63}$/;
const name = z.string().regex(NAME, 'must be a name like alice or dba-leads');
/** A user or approver name, or `@group`. */
const principal = z
  .string()
  .regex(/^@?[a-z][a-z0-9._-]{0,63}$/, 'must be a name (alice) or a group (@contractors)');
const targetGlob = z
  .string()
  .regex(/^[a-z0-9._*?-]{1,64}$/, 'must be a target name or a glob with * and ?, e.g. db*');

export const groupsSchema = z.record(name, z.array(name).min(1)).default({});

export const requestRuleSchema = (duration: z.ZodType<number, string>) =>
  z
    .object({
      name,
      users: z.array(principal).min(1),
      targets: z.array(targetGlob).min(1),
      maxDuration: duration,
      modes: z.array(name).min(1),
      approvals: z.number().int().min(1).max(10).default(1),
      approvers: z.array(principal).default([]),
      autoApprove: z.boolean().default(false),
      pendingTtl: duration.optional(),
      transfer: requestTransferSchema.default(NO_TRANSFER_LIMIT),
    })
    .strict();

export const requestsSchema = (duration: z.ZodType<number, string>) =>
  z
    .object({
      pendingTtl: duration.prefault('24h'),
      rules: z.array(requestRuleSchema(duration)).default([]),
    })
    .strict()
    .transform(({ pendingTtl, rules }) => ({
      pendingTtlMs: pendingTtl,
      rules: rules.map(({ maxDuration, pendingTtl: ttl, ...rest }) => ({
        ...rest,
        maxDurationMs: maxDuration,
        pendingTtlMs: ttl ?? pendingTtl,
      })),
    }));

type Issue = { readonly path: (string | number)[]; readonly message: string };

/** Checks across keys: groups named, profiles known, enough approvers, unique rule names. */
export function checkRequestRules(config: {
  readonly groups: Readonly<Record<string, readonly string[]>>;
  readonly profiles: Readonly<Record<string, unknown>>;
  readonly requests: {
    readonly rules: readonly Pick<
      RequestRule,
      'name' | 'users' | 'modes' | 'approvals' | 'approvers' | 'autoApprove'
    >[];
  };
}): Issue[] {
  const issues: Issue[] = [];
  const seen = new Set<string>();
  config.requests.rules.forEach((rule, i) => {
    const at = (...rest: (string | number)[]): (string | number)[] => [
      'requests',
      'rules',
      i,
      ...rest,
    ];
    if (seen.has(rule.name)) issues.push({ path: at('name'), message: 'must be unique' });
    seen.add(rule.name);
    for (const key of ['users', 'approvers'] as const) {
      rule[key].forEach((entry, j) => {
        if (entry.startsWith('@') && config.groups[entry.slice(1)] === undefined)
          issues.push({ path: at(key, j), message: `no group ${entry.slice(1)} in groups` });
      });
    }
    rule.modes.forEach((mode, j) => {
      if (mode !== 'shell' && mode !== 'allowlist' && config.profiles[mode] === undefined)
        issues.push({
          path: at('modes', j),
          message: `must be shell, allowlist or a name in profiles`,
        });
    });
    const approvers = principalsOf(rule.approvers, config.groups).length;
    if (!rule.autoApprove && approvers < rule.approvals)
      issues.push({
        path: at('approvers'),
        message: `names ${approvers} approver(s); the rule needs ${rule.approvals} distinct approvals`,
      });
  });
  return issues;
}
