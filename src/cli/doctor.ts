import type { Command } from 'commander';
import { GatehouseError } from '../core/errors.js';
import { runDoctor } from '../doctor/run-doctor.js';
import type { CliContext } from './context.js';
import { printJson, printLine } from './output.js';

/**
 * `gatehouse doctor`: one `PASS|FAIL <check>: <detail>` line per check (with --json an array of
 * {check, ok, detail}); exit 0 when every check passes, 1 otherwise.
 */
export function register(program: Command, ctx: CliContext): void {
  program
    .command('doctor')
    .description(
      'check config, keys, database, recordings folder and targets; exit 1 when any check fails',
    )
    .option('--local', 'skip target reachability (for container health checks)', false)
    .action(async (opts: { readonly local: boolean }) => {
      const results = await runDoctor({
        loadConfig: () => ctx.loadConfig(),
        clock: ctx.clock,
        local: opts.local,
      });
      if (ctx.options().json) printJson(ctx, results);
      else
        for (const r of results)
          printLine(ctx, `${r.ok ? 'PASS' : 'FAIL'} ${r.check}: ${r.detail}`);
      const failed = results.filter((r) => !r.ok).length;
      // Exit 1 with one summary line on stderr; the FAIL lines on stdout say what to fix.
      if (failed > 0)
        throw new GatehouseError(
          'refused',
          `doctor: ${failed} check${failed === 1 ? '' : 's'} failed`,
        );
    });
}
