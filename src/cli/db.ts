import type { Command } from 'commander';
import { GatehouseError } from '../core/errors.js';
import { describeLocation } from '../store/open-store.js';
import { copySqliteToPostgres } from '../store/pg-copy.js';
import { isPostgresUrl } from '../store/open-postgres.js';
import type { CliContext } from './context.js';
import { examples } from './help-text.js';
import { printJson, printLine } from './output.js';
import { usage } from './validate.js';

/**
 * `gatehouse db copy --to postgres://…`: moving up from SQLite (docs/postgresql.md). The source is
 * the configured `database.path`; the target must be empty; the copied chain is verified before
 * it is kept. Then set `database.url` to the target.
 */
export function register(program: Command, ctx: CliContext): void {
  const db = program.command('db').description('the database itself');
  db.command('copy')
    .description(
      'copy the SQLite database (database.path) into an empty PostgreSQL database, verifying the audit chain there',
    )
    .requiredOption('--to <url>', 'the PostgreSQL database: postgres://user@host:port/name')
    .addHelpText(
      'after',
      examples('gatehouse db copy --to postgres://gatehouse@db.internal/gatehouse'),
    )
    .action(async (opts: { readonly to: string }) => {
      if (!isPostgresUrl(opts.to)) throw usage('--to: must be a postgres:// or postgresql:// URL');
      const config = await ctx.loadConfig();
      if (config.database.url !== undefined) {
        throw new GatehouseError(
          'refused',
          'db copy: database.url is set: the copy reads the SQLite database.path; run it with the config that uses SQLite',
        );
      }
      const result = await copySqliteToPostgres(config.database.path, opts.to, ctx.clock.now());
      const total = Object.values(result.rows).reduce((a, b) => a + b, 0);
      if (ctx.options().json) {
        printJson(ctx, { to: describeLocation(opts.to), rows: result.rows, events: result.events });
      } else {
        printLine(
          ctx,
          `copied ${total} rows to ${describeLocation(opts.to)}; audit chain: ${result.events} events verified there`,
        );
      }
    });
}
