import type { Command } from 'commander';
import { GatehouseError } from '../core/errors.js';
import { quoteForMessage } from '../core/names.js';
import { loginLinkUrl, reviewPageOrigin } from '../core/review-links.js';
import {
  canonicalRoles,
  isReviewerRole,
  REVIEWER_ROLES,
  type ReviewerRole,
} from '../core/reviewer-role.js';
import { newLoginToken } from '../web/auth.js';
import { generatePassword, hashPassword } from '../web/password.js';
import type { CliContext } from './context.js';
import { isoTime, printJson, printLine, printResult, printTable } from './output.js';
import { PASSWORD_STDIN_HELP, passwordFromStdin } from './password-input.js';
import { registerAccountCommands } from './reviewer-account.js';
import { requireDuration, requireName, usage } from './validate.js';

const MAX_LINK_MS = 24 * 60 * 60 * 1000;

/** `--role`, repeatable: each value checked as it is read. */
function collectRole(value: string, previous: ReviewerRole[]): ReviewerRole[] {
  if (!isReviewerRole(value)) {
    throw usage(`--role: ${quoteForMessage(value)} is not a role (${REVIEWER_ROLES.join(' or ')})`);
  }
  return canonicalRoles([...previous, value]);
}

const ROLE_HELP =
  'reviewer (sessions, replay, search) or approver (access requests); repeat for both';

export function register(program: Command, ctx: CliContext): void {
  const reviewer = program
    .command('reviewer')
    .description('people who replay recordings in the review web page');

  reviewer
    .command('add')
    .description('create a reviewer; prints the id (and a generated password unless given one)')
    .argument('<name>', 'reviewer name: ^[a-z][a-z0-9._-]{0,63}$')
    .option('--password-stdin', PASSWORD_STDIN_HELP)
    .option('--no-password', 'no password: the reviewer logs in with one-time links only')
    .option('--role <role>', `${ROLE_HELP} (default: reviewer)`, collectRole, [])
    .action(
      async (
        name: string,
        opts: {
          readonly passwordStdin?: boolean;
          readonly password: boolean;
          readonly role: ReviewerRole[];
        },
      ) => {
        requireName('reviewer', name);
        if (opts.passwordStdin === true && !opts.password) {
          throw usage('--password-stdin, --no-password: give only one of them');
        }
        const generated = opts.password && opts.passwordStdin !== true ? generatePassword() : null;
        const password = opts.passwordStdin === true ? await passwordFromStdin() : generated;
        const hash = password === null ? null : await hashPassword(password);
        const created = await ctx.withStore((store) =>
          store.reviewers.add(
            name,
            hash,
            ctx.options().actor,
            opts.role.length === 0 ? ['reviewer'] : opts.role,
          ),
        );
        if (ctx.options().json) {
          printJson(ctx, { ...created, ...(generated === null ? {} : { password: generated }) });
          return;
        }
        printLine(ctx, String(created.id));
        if (generated !== null) printLine(ctx, `password ${generated}`);
      },
    );

  reviewer
    .command('link')
    .description('print a one-time login URL for the review web page')
    .argument('<name>', 'reviewer name')
    .option('--for <duration>', 'how long the link stays valid (max 24h)', '15m')
    .action(async (name: string, opts: { readonly for: string }) => {
      requireName('reviewer', name);
      const ttl = requireDuration('--for', opts.for);
      if (ttl > MAX_LINK_MS) throw usage('--for: at most 24h');
      const config = await ctx.loadConfig();
      const listen = config.web.listen;
      if (listen === null) {
        throw new GatehouseError(
          'config',
          'config: web.listen: not set, so there is no review page to log in to',
        );
      }
      const { token, sha256 } = newLoginToken();
      const expiresAt = ctx.clock.now() + ttl;
      await ctx.withStore((store) =>
        store.reviewers.addLoginToken(name, sha256, expiresAt, ctx.options().actor),
      );
      const url = loginLinkUrl(reviewPageOrigin(config.web.publicUrl, listen), token);
      if (ctx.options().json) printJson(ctx, { reviewer: name, url, expiresAt });
      else printLine(ctx, url);
    });

  reviewer
    .command('set')
    .description("replace an account's roles (its open sessions follow at their next request)")
    .argument('<name>', 'reviewer name')
    .option('--role <role>', ROLE_HELP, collectRole, [])
    .action(async (name: string, opts: { readonly role: ReviewerRole[] }) => {
      requireName('reviewer', name);
      if (opts.role.length === 0) throw usage('--role: give at least one role');
      const updated = await ctx.withStore((store) =>
        store.reviewers.setRoles(name, opts.role, ctx.options().actor),
      );
      printResult(ctx, updated, () => `${name}: ${updated.roles.join(', ')}`);
    });

  reviewer
    .command('list')
    .description('list review page accounts and their roles')
    .action(async () => {
      const list = await ctx.withStore((store) => store.reviewers.list());
      if (ctx.options().json) return printJson(ctx, list);
      printTable(
        ctx,
        ['ID', 'NAME', 'ROLES', 'CREATED', 'CREATED BY', 'DISABLED'],
        list.map((r) => [
          String(r.id),
          r.name,
          r.roles.join(','),
          isoTime(r.createdAt),
          r.createdBy,
          r.disabledAt === null ? '-' : isoTime(r.disabledAt),
        ]),
      );
    });

  registerAccountCommands(reviewer, ctx);
}
