/**
 * `gatehouse reviewer disable | enable | reset-password | remove`: each audited, and each (but
 * enable) logs the account out of the review page at once (store/reviewer-account-changes.ts).
 */
import type { Command } from 'commander';
import type { ReviewerAccountChange } from '../core/reviewer.js';
import { generatePassword, hashPassword } from '../web/password.js';
import type { CliContext } from './context.js';
import { printJson, printLine } from './output.js';
import { PASSWORD_STDIN_HELP, passwordFromStdin } from './password-input.js';
import { requireName } from './validate.js';

const ended = (change: ReviewerAccountChange): string =>
  `${change.sessionsEnded} web session${change.sessionsEnded === 1 ? '' : 's'} ended`;

function printChange(
  ctx: CliContext,
  change: ReviewerAccountChange,
  done: string,
  extra: Readonly<Record<string, string>> = {},
): void {
  const { reviewer, sessionsEnded, changed } = change;
  if (ctx.options().json) {
    printJson(ctx, { reviewer: reviewer.name, changed, sessionsEnded, ...extra });
    return;
  }
  printLine(
    ctx,
    changed ? `${reviewer.name}: ${done} (${ended(change)})` : `${reviewer.name}: already ${done}`,
  );
}

export function registerAccountCommands(reviewer: Command, ctx: CliContext): void {
  reviewer
    .command('disable')
    .description('stop an account logging in (password or link); logs it out at once')
    .argument('<name>', 'reviewer name')
    .action(async (name: string) => {
      requireName('reviewer', name);
      const change = await ctx.withStore((store) =>
        store.reviewers.setDisabled(name, true, ctx.options().actor),
      );
      printChange(ctx, change, 'disabled');
    });

  reviewer
    .command('enable')
    .description('let a disabled account log in again (old links stay void: make a new one)')
    .argument('<name>', 'reviewer name')
    .action(async (name: string) => {
      requireName('reviewer', name);
      const change = await ctx.withStore((store) =>
        store.reviewers.setDisabled(name, false, ctx.options().actor),
      );
      printChange(ctx, change, 'enabled');
    });

  reviewer
    .command('reset-password')
    .description('give an account a new password (printed unless piped in); logs it out at once')
    .argument('<name>', 'reviewer name')
    .option('--password-stdin', PASSWORD_STDIN_HELP)
    .action(async (name: string, opts: { readonly passwordStdin?: boolean }) => {
      requireName('reviewer', name);
      const generated = opts.passwordStdin === true ? null : generatePassword();
      const password = generated ?? (await passwordFromStdin());
      const hash = await hashPassword(password);
      const change = await ctx.withStore((store) =>
        store.reviewers.resetPassword(name, hash, ctx.options().actor),
      );
      if (ctx.options().json) {
        printChange(
          ctx,
          change,
          'password reset',
          generated === null ? {} : { password: generated },
        );
        return;
      }
      printChange(ctx, change, 'password reset');
      if (generated !== null) printLine(ctx, `password ${generated}`);
    });

  reviewer
    .command('remove')
    .description(
      'delete an account, its web sessions and its links (the audit trail keeps its name)',
    )
    .argument('<name>', 'reviewer name')
    .action(async (name: string) => {
      requireName('reviewer', name);
      const change = await ctx.withStore((store) =>
        store.reviewers.remove(name, ctx.options().actor),
      );
      printChange(ctx, change, 'removed');
    });
}
