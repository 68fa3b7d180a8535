import { z } from 'zod';
import { NOTIFIABLE_EVENTS } from '../core/notification.js';

/**
 * Config `notify` (issue 14): webhooks told about requests, grants and killed sessions
 * (docs/notifications.md). A `json` webhook signs each message with its `secret`, so it must have
 * one; a `slack` one may (Slack ignores the headers). The secret is never logged.
 */

const webhook = z
  .object({
    url: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }),
    format: z.enum(['slack', 'json']),
    events: z
      .array(z.enum(NOTIFIABLE_EVENTS))
      .min(1)
      .default([...NOTIFIABLE_EVENTS]),
    secret: z
      .string()
      .max(1024)
      .refine((secret) => secret.length >= 16, 'must be at least 16 characters')
      .optional(),
  })
  .strict()
  .superRefine((hook, ctx) => {
    if (hook.format === 'json' && hook.secret === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['secret'],
        message: 'is required for format json (messages are signed with it)',
      });
  })
  .transform(({ secret, ...rest }) => ({ ...rest, secret: secret ?? null }));

export const notifySchema = z
  .object({
    webhooks: z
      .array(webhook)
      .max(20)
      .default([])
      .superRefine((hooks, ctx) => {
        const seen = new Set<string>();
        hooks.forEach((hook, i) => {
          const key = `${hook.format} ${hook.url}`;
          if (seen.has(key))
            ctx.addIssue({
              code: 'custom',
              path: [i, 'url'],
              message: 'is listed twice with this format',
            });
          seen.add(key);
        });
      }),
  })
  .strict();
